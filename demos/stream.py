"""A run's printed output: kept in order, capped, and streamed to the page in batches.

A reader's ``while True: print("x")`` must not flood the page (issue 15). So:

- while a run prints little, each line goes to the page at once (Python in the browser
  has no timer that could send a held-back line later, so a line printed before a long
  computation must not wait for it);
- once a run prints more than ``FLOOD_LINES`` lines within ``FLOOD_SECONDS``, it is a
  flood: from then on text is gathered in C buffers and sent in **batches**, by size
  (``BATCH_CHARS``) and by time (``BATCH_SECONDS``);
- what a run keeps is **capped**: the first ``HEAD_CHARS`` characters or ``HEAD_LINES``
  lines and the last ``TAIL_CHARS`` or ``TAIL_LINES``; the middle is dropped and a note
  says how much (lines count as much as characters: a page lays out each line);
- stdout and stderr (warnings included) are kept as ordered segments, so the page can
  style stderr as such.

Runs on Python 3.8 (it is shipped into the browser's worker).
"""
import codecs
import collections
import io
import sys
import time

HEAD_CHARS = 200_000
HEAD_LINES = 5_000
TAIL_CHARS = 50_000
TAIL_LINES = 1_000
BATCH_CHARS = 32_768
BATCH_SECONDS = 0.1
FLOOD_LINES = 1000
FLOOD_SECONDS = 1.0
BULK_CHARS = 4096


class OutputLog:
    """The ordered, capped record of one run's output.

    Args:
        on_output: callback ``on_output(kind, text)`` receiving batches while the run
            prints (``kind`` is ``"stdout"``, ``"stderr"`` or ``"note"``), or None.
        head_chars, head_lines, tail_chars, tail_lines: how much of the start and of the
            end is kept.
        flood_lines, flood_seconds: more lines than this within that time make a flood.

    Python runs once per line before a flood and once per ``BULK_CHARS`` during one (the
    streams of :func:`log_stream` are C objects); the clock is read once per
    ``flood_lines`` lines, and once per buffer-full during a flood.
    """

    def __init__(self, on_output=None, *, head_chars=HEAD_CHARS, head_lines=HEAD_LINES,
                 tail_chars=TAIL_CHARS, tail_lines=TAIL_LINES, flood_lines=FLOOD_LINES,
                 flood_seconds=FLOOD_SECONDS):
        self._on_output = on_output
        self._head_chars = head_chars
        self._head_lines = head_lines
        self._tail_chars = tail_chars
        self._tail_lines = tail_lines
        self._flood_lines = flood_lines
        self._flood_seconds = flood_seconds
        self._lines = 0  # lines sent since _count_start
        self._count_start = 0.0
        self._last_send = 0.0
        self._flood = False
        self._head = []  # (kind, text) pieces, at most head_chars characters in all
        self._head_room = head_chars
        self._head_lines_room = head_lines
        self._head_open = True
        self._sent = 0  # pieces of _head already given to on_output
        self._notes = []  # ("note", text) to send with the next batch
        self._pending_size = 0
        self._tail = collections.deque()  # (kind, text) pieces after the head is full
        self._tail_size = 0
        self._tail_line_count = 0
        self._dropped_chars = 0
        self._dropped_lines = 0
        self.streams = []  # made by log_stream(): flushed before the log is read or sent
        self._pairs = []  # _StreamPair per stream name (switched to bulk in a flood)

    def write(self, kind, text):
        """Record ``text`` printed to ``kind`` ("stdout" or "stderr")."""
        size = len(text)
        if not size:
            return
        lines = text.count("\n")
        if size <= self._head_room and lines <= self._head_lines_room:
            self._head.append((kind, text))
            self._head_room -= size
            self._head_lines_room -= lines
            if self._on_output is not None:
                self._pending_size += size
                if self._flood:
                    self._flood_chunk()
                elif lines:
                    self._line_end()
            return
        self._overflow(kind, text)

    def _line_end(self):
        self._lines += 1
        if self._lines == 1:
            self._count_start = time.monotonic()
        elif self._lines >= self._flood_lines:
            if time.monotonic() - self._count_start < self._flood_seconds:
                self._start_flood()
            self._lines = 0
        self._send()

    def _start_flood(self):
        self._flood = True
        for pair in self._pairs:
            pair.select_bulk()

    def _flood_chunk(self):
        if self._pending_size >= BATCH_CHARS or time.monotonic() - self._last_send >= BATCH_SECONDS:
            self._send()

    def _overflow(self, kind, text):
        """The head is full (or ``text`` fills it): keep the rest in the capped tail."""
        if self._head_open:
            cut = min(self._head_room, _after_lines(text, self._head_lines_room))
            if cut:
                self._head.append((kind, text[:cut]))
            text = text[cut:]
            self._head_open = False
            self._head_room = self._head_lines_room = 0
            self._notes.append(("note", (
                f"\n[Output beyond {self._head_chars:,} characters or {self._head_lines:,} lines "
                f"is held back; the last {self._tail_lines:,} lines are shown when the run "
                "ends.]\n"
            )))
            self._send()
            self._start_flood()  # nothing more is sent while the run goes on
        self._tail.append((kind, text))
        self._tail_size += len(text)
        self._tail_line_count += text.count("\n")
        # Trimmed in bulk (at twice the cap) so that each write costs O(1) on average.
        if self._tail_size > 2 * self._tail_chars or self._tail_line_count > 2 * self._tail_lines:
            self._trim_tail()

    def _trim_tail(self):
        while self._tail_size > self._tail_chars or self._tail_line_count > self._tail_lines:
            oldest_kind, oldest = self._tail[0]
            excess_lines = max(0, self._tail_line_count - self._tail_lines)
            cut = max(self._tail_size - self._tail_chars, _after_lines(oldest, excess_lines))
            if cut >= len(oldest):
                self._tail.popleft()
                dropped = oldest
            else:
                dropped = oldest[:cut]
                self._tail[0] = (oldest_kind, oldest[cut:])
            self._tail_size -= len(dropped)
            self._tail_line_count -= dropped.count("\n")
            self._dropped_chars += len(dropped)
            self._dropped_lines += dropped.count("\n")

    def flush_streams(self):
        """Push what the run's streams still buffer into the log (line streams first)."""
        for stream in self.streams:
            if not stream.closed:
                stream.flush()

    def flush(self):
        """Send everything pending to ``on_output`` now."""
        self.flush_streams()
        self._send()

    def _send(self):
        if self._on_output is None:
            return
        start, self._sent = self._sent, len(self._head)
        pieces = self._head[start:] + self._notes
        self._notes = []
        self._pending_size = 0
        if not pieces:
            return
        self._last_send = time.monotonic() if self._flood else 0.0
        for kind, text in _grouped(pieces):
            self._on_output(kind, text)

    @property
    def dropped_chars(self):
        self.flush_streams()
        self._trim_tail()
        return self._dropped_chars

    def segments(self):
        """[[kind, text], ...] in order: head, a note on what was dropped (if any), tail."""
        self.flush_streams()
        self._trim_tail()
        pieces = list(self._head)
        if self._dropped_chars:
            pieces.append(("note", (
                f"\n[… {self._dropped_chars:,} characters ({self._dropped_lines:,} line breaks) "
                f"of output dropped: a run keeps its first {self._head_lines:,} lines and its "
                f"last {self._tail_lines:,} (at most {self._head_chars + self._tail_chars:,} "
                "characters) …]\n"
            )))
        pieces.extend(self._tail)
        return [[kind, text] for kind, text in _grouped(pieces)]

    def text(self, kind):
        """What was kept of one stream (``"stdout"`` or ``"stderr"``), dropped note included."""
        return "".join(text for segment_kind, text in self.segments()
                       if segment_kind == kind or (segment_kind == "note" and kind == "stdout"))


def _after_lines(text, count):
    """The index just after the ``count``-th line end of ``text`` (len(text) if fewer)."""
    position = 0
    for _ in range(count):
        found = text.find("\n", position)
        if found < 0:
            return len(text)
        position = found + 1
    return position


def _grouped(pieces):
    """Join consecutive (kind, text) pieces of one kind: yields (kind, joined text)."""
    index = 0
    while index < len(pieces):
        kind = pieces[index][0]
        end = index
        while end < len(pieces) and pieces[end][0] == kind:
            end += 1
        yield kind, "".join(text for _, text in pieces[index:end])
        index = end


class _LogSink(io.RawIOBase):
    """The bytes end of a run's ``sys.stdout``/``sys.stderr``: decodes and records them."""

    def __init__(self, log, kind):
        super().__init__()
        self._log = log
        self._kind = kind
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def writable(self):
        return True

    def write(self, data):
        self._log.write(self._kind, self._decoder.decode(bytes(data)))
        return len(data)


class _StreamPair:
    """Two text streams into one log, for ``sys.<name>``: line-buffered (each line goes out
    at once) and bulk (C buffers of ``BULK_CHARS``: Python runs once per buffer-full)."""

    def __init__(self, log, name):
        self.name = name
        self.line = _text_stream(log, name, line_buffering=True)
        self.bulk = _text_stream(log, name, line_buffering=False)
        log.streams.extend([self.line, self.bulk])

    def select_bulk(self):
        """Point ``sys.<name>`` at the bulk stream (unless the run replaced it).

        Called from inside the line stream's flush, which has by then handed all its text
        to the log, so the order of the output is kept.
        """
        if getattr(sys, self.name, None) is self.line:
            setattr(sys, self.name, self.bulk)


def _text_stream(log, name, line_buffering):
    sink = io.BufferedWriter(_LogSink(log, name), buffer_size=BULK_CHARS)
    stream = io.TextIOWrapper(sink, encoding="utf-8", errors="backslashreplace",
                              line_buffering=line_buffering)
    stream._CHUNK_SIZE = BULK_CHARS  # the wrapper's own buffer, before the sink's
    return stream


def log_stream(log, name):
    """A text stream for ``sys.stdout``/``sys.stderr`` (``name``) writing into ``log``.

    A C ``TextIOWrapper`` over a small sink: ``print("a", i)`` makes four writes, which the
    wrapper joins, so Python code runs once per line; during a flood ``sys.<name>`` is
    switched to a bulk twin, and Python runs once per ``BULK_CHARS``. Text is encoded as
    UTF-8 with ``backslashreplace``, so a lone surrogate cannot stop a run.
    """
    pair = _StreamPair(log, name)
    log._pairs.append(pair)
    return pair.line
