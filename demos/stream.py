"""A run's printed output: kept in order, capped, and streamed to the page in batches.

A reader's ``while True: print("x")`` must not flood the page (issue 15). So:

- what a run prints is forwarded in **batches**, by time and by size: a line goes out at
  once while a run prints little (at most ``BURST_LINES`` sends per ``BATCH_SECONDS``:
  Python in the browser has no timer to send a held-back line later, so a line printed
  before a long computation must not wait for it); beyond that, text is held until a
  batch holds ``BATCH_CHARS`` or the next window begins;
- what a run keeps is **capped**: the first ``HEAD_CHARS`` characters and the last
  ``TAIL_CHARS``; the middle is dropped and a note says how much;
- stdout and stderr (tracebacks of warnings included) are kept as ordered segments, so
  the page can style stderr as such.

Runs on Python 3.8 (it is shipped into the browser's worker).
"""
import collections
import io
import time

HEAD_CHARS = 400_000
TAIL_CHARS = 100_000
BATCH_CHARS = 32_768
BATCH_SECONDS = 0.1
BURST_LINES = 50


class OutputLog:
    """The ordered, capped record of one run's output.

    Args:
        on_output: callback ``on_output(kind, text)`` receiving batches while the run
            prints (``kind`` is ``"stdout"``, ``"stderr"`` or ``"note"``), or None.
        head_chars, tail_chars: how much of the start and of the end is kept.
        batch_chars, batch_seconds, burst_lines: a batch is sent when it holds
            ``batch_chars`` characters, or when a line ends while fewer than
            ``burst_lines`` batches were sent in the current ``batch_seconds`` window.
    """

    def __init__(self, on_output=None, *, head_chars=HEAD_CHARS, tail_chars=TAIL_CHARS,
                 batch_chars=BATCH_CHARS, batch_seconds=BATCH_SECONDS, burst_lines=BURST_LINES):
        self._on_output = on_output
        self._head_chars = head_chars
        self._tail_chars = tail_chars
        self._batch_chars = batch_chars
        self._batch_seconds = batch_seconds
        self._burst_lines = burst_lines
        self._window_start = -float("inf")
        self._window_sends = 0
        self._head = []  # [kind, text] segments, at most head_chars characters in all
        self._head_size = 0
        self._tail = collections.deque()  # [kind, text] pieces after the head is full
        self._tail_size = 0
        self._dropped_chars = 0
        self._dropped_lines = 0
        self._pending = []  # [kind, text] not yet sent to on_output
        self._pending_size = 0
        self._announced = False

    def write(self, kind, text):
        """Record ``text`` printed to ``kind`` ("stdout" or "stderr")."""
        if not text:
            return
        room = self._head_chars - self._head_size
        if room > 0:
            kept = text if len(text) <= room else text[:room]
            _add_segment(self._head, kind, kept)
            self._head_size += len(kept)
            self._queue(kind, kept)
            if len(kept) == len(text):
                return
            text = text[room:]
        if not self._announced:
            self._announced = True
            self._queue("note", f"\n[Output beyond {self._head_chars:,} characters is held "
                                f"back; the last {self._tail_chars:,} are shown when the run ends.]\n")
            self.flush()
        self._tail.append((kind, text))
        self._tail_size += len(text)
        # Trimmed in bulk (at twice the cap) so that each write costs O(1) on average.
        if self._tail_size > 2 * self._tail_chars:
            self._trim_tail()

    def _trim_tail(self):
        while self._tail_size > self._tail_chars:
            oldest_kind, oldest = self._tail[0]
            excess = self._tail_size - self._tail_chars
            if len(oldest) <= excess:
                self._tail.popleft()
                cut = oldest
            else:
                cut = oldest[:excess]
                self._tail[0] = (oldest_kind, oldest[excess:])
            self._tail_size -= len(cut)
            self._dropped_chars += len(cut)
            self._dropped_lines += cut.count("\n")

    def _queue(self, kind, text):
        if self._on_output is None:
            return
        _add_segment(self._pending, kind, text)
        self._pending_size += len(text)
        if self._pending_size >= self._batch_chars:
            self.flush()
        elif "\n" in text:
            now = time.monotonic()
            if now - self._window_start >= self._batch_seconds:
                self._window_start, self._window_sends = now, 0
            if self._window_sends < self._burst_lines:
                self.flush()

    def flush(self):
        """Send what is pending to ``on_output`` now (one call per run of one kind)."""
        pending, self._pending, self._pending_size = self._pending, [], 0
        self._window_sends += 1
        for kind, pieces in pending:
            self._on_output(kind, "".join(pieces))

    @property
    def dropped_chars(self):
        self._trim_tail()
        return self._dropped_chars

    def segments(self):
        """[[kind, text], ...] in order: head, a note on what was dropped (if any), tail."""
        self._trim_tail()
        segments = [[kind, list(pieces)] for kind, pieces in self._head]
        if self._dropped_chars:
            segments.append(["note", [(
                f"\n[… {self._dropped_chars:,} characters ({self._dropped_lines:,} line breaks) "
                f"of output dropped: a run keeps its first {self._head_chars:,} and its last "
                f"{self._tail_chars:,} characters …]\n"
            )]])
        for kind, text in self._tail:
            _add_segment(segments, kind, text)
        return [[kind, "".join(pieces)] for kind, pieces in segments]

    def text(self, kind):
        """What was kept of one stream (``"stdout"`` or ``"stderr"``), dropped note included."""
        return "".join(text for segment_kind, text in self.segments()
                       if segment_kind == kind or (segment_kind == "note" and kind == "stdout"))


def _add_segment(segments, kind, text):
    """Append ``text`` to ``segments`` ([kind, [pieces]] lists), joining it to the last
    segment of the same kind (pieces are joined once at the end: appending stays linear)."""
    if segments and segments[-1][0] == kind:
        segments[-1][1].append(text)
    else:
        segments.append([kind, [text]])


class LogStream(io.TextIOBase):
    """A ``sys.stdout``/``sys.stderr`` replacement writing into an :class:`OutputLog`."""

    def __init__(self, log, kind):
        self._log = log
        self._kind = kind

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._log.write(self._kind, text)
        return len(text)

    def flush(self):
        pass
