"""demos/stream.py: a run's output is batched, capped (head and tail kept) and ordered."""
import time

from demos.stream import LogStream, OutputLog


def test_batches_are_few_and_lossless_under_the_cap():
    calls = []
    log = OutputLog(lambda kind, text: calls.append((kind, text)), head_chars=10**7)
    stream = LogStream(log, "stdout")
    for number in range(20_000):
        print("line", number, file=stream)
    log.flush()
    sent = "".join(text for _, text in calls)
    expected = "".join(f"line {number}\n" for number in range(20_000))
    assert sent == expected == log.text("stdout")
    assert len(calls) < 1000  # 40,000 writes: a burst per window plus 32 KB batches


def test_a_line_goes_out_at_once_while_a_run_prints_little():
    calls = []
    log = OutputLog(lambda kind, text: calls.append(text))
    stream = LogStream(log, "stdout")
    print("spinning", file=stream)  # then, in a demo, a long silent computation
    assert calls == ["spinning\n"]


def test_a_flood_is_sent_in_few_batches_per_window():
    calls = []
    log = OutputLog(lambda kind, text: calls.append(text), batch_seconds=60.0, burst_lines=5)
    stream = LogStream(log, "stdout")
    for number in range(1000):
        print(number, file=stream)
    assert len(calls) == 5  # the burst; the rest waits for the window, the size or the end
    log.flush()
    assert "".join(calls) == "".join(f"{number}\n" for number in range(1000))


def test_cap_keeps_head_and_tail_and_says_what_was_dropped():
    log = OutputLog(None, head_chars=100, tail_chars=50)
    stream = LogStream(log, "stdout")
    for number in range(1000):
        stream.write(f"{number:04d}\n")  # 5 characters a line
    text = log.text("stdout")
    assert text.startswith("0000\n0001\n")
    assert text.endswith("0998\n0999\n")
    assert "4,850 characters (970 line breaks) of output dropped" in text
    assert log.dropped_chars == 5000 - 150


def test_stderr_is_kept_apart_and_in_order():
    log = OutputLog(None)
    out, err = LogStream(log, "stdout"), LogStream(log, "stderr")
    out.write("a\n")
    err.write("warning\n")
    out.write("b\n")
    assert log.segments() == [["stdout", "a\n"], ["stderr", "warning\n"], ["stdout", "b\n"]]
    assert log.text("stdout") == "a\nb\n" and log.text("stderr") == "warning\n"


def test_hundred_thousand_lines_are_linear():
    log = OutputLog(lambda kind, text: None)
    stream = LogStream(log, "stdout")
    started = time.perf_counter()
    for number in range(100_000):
        print(number, file=stream)
    log.segments()
    assert time.perf_counter() - started < 3.0
