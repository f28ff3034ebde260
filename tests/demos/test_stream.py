"""demos/stream.py: a run's output is streamed line by line until it floods, then batched;
capped (head and tail kept, the drop announced) and kept in order with stderr apart."""
import contextlib
import io
import sys
import time

from demos.stream import OutputLog, log_stream


@contextlib.contextmanager
def printing_into(log):
    """sys.stdout/sys.stderr as the runner sets them for a run."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = log_stream(log, "stdout"), log_stream(log, "stderr")
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def test_a_line_goes_out_at_once_while_a_run_prints_little():
    calls = []
    log = OutputLog(lambda kind, text: calls.append((kind, text)))
    with printing_into(log):
        print("spinning")  # then, in a demo, a long silent computation
        assert calls == [("stdout", "spinning\n")]
        print("careful", file=sys.stderr)
        assert calls[-1] == ("stderr", "careful\n")


def test_a_flood_is_batched_and_nothing_is_lost_under_the_cap():
    calls = []
    log = OutputLog(lambda kind, text: calls.append(text), head_chars=10**7, head_lines=10**6)
    with printing_into(log):
        for number in range(50_000):
            print("line", number)
        log.flush()
    expected = "".join(f"line {number}\n" for number in range(50_000))
    assert "".join(calls) == expected == log.text("stdout")
    # The first lines one by one, then batches of kilobytes: far fewer than 50,000 sends.
    assert 1000 <= len(calls) < 2000, len(calls)


def test_a_slow_trickle_is_never_a_flood():
    calls = []
    log = OutputLog(lambda kind, text: calls.append(text), flood_lines=10, flood_seconds=0.01)
    with printing_into(log):
        for number in range(30):
            print(number)
            time.sleep(0.002)
    assert len(calls) == 30


def test_cap_keeps_head_and_tail_and_says_what_was_dropped():
    log = OutputLog(None, head_chars=100, tail_chars=50)
    with printing_into(log):
        for number in range(1000):
            print(f"{number:04d}")  # 5 characters a line
    text = log.text("stdout")
    assert text.startswith("0000\n0001\n")
    assert text.endswith("0998\n0999\n")
    assert "4,850 characters (970 line breaks) of output dropped" in text
    assert log.dropped_chars == 5000 - 150


def test_cap_counts_lines_too():
    log = OutputLog(None, head_lines=3, tail_lines=2)
    with printing_into(log):
        for number in range(10):
            print(number)
    assert log.segments()[0] == ["stdout", "0\n1\n2\n"]
    assert log.text("stdout").endswith("8\n9\n")
    assert "(5 line breaks) of output dropped" in log.text("stdout")


def test_stderr_is_kept_apart_and_in_order():
    log = OutputLog(None)
    with printing_into(log):
        print("a")
        print("warning", file=sys.stderr)
        print("b")
    assert log.segments() == [["stdout", "a\n"], ["stderr", "warning\n"], ["stdout", "b\n"]]
    assert log.text("stdout") == "a\nb\n" and log.text("stderr") == "warning\n"


def test_lone_surrogate_and_non_ascii_survive():
    log = OutputLog(None)
    with printing_into(log):
        print("naïve ✓ \ud800")
    assert log.text("stdout") == "naïve ✓ \\ud800\n"


def test_hundred_thousand_lines_cost_about_what_a_string_buffer_costs():
    log = OutputLog(lambda kind, text: None)
    started = time.perf_counter()
    with printing_into(log):
        for number in range(100_000):
            print("line", number)
    log.segments()
    ours = time.perf_counter() - started
    buffer = io.StringIO()
    started = time.perf_counter()
    for number in range(100_000):
        print("line", number, file=buffer)
    plain = time.perf_counter() - started
    assert ours < 4 * plain + 0.2, (ours, plain)
