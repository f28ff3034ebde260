"""demos/12/check_yourself.py: the starter is marked wrong, the fixed line right."""
from pathlib import Path

from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "12" / "check_yourself.py"
STARTER = "answer = C / 6  # TODO: this is N times D, not N; solve for N"


def _run(source):
    outcome = run_demo(source, filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    return outcome


def test_starter_is_not_yet_correct():
    source = DEMO.read_text(encoding="utf-8")
    assert STARTER in source
    outcome = _run(source)
    assert outcome["result"]["correct"] is False
    assert "Not yet" in outcome["stdout"]


def test_fixed_answer_is_correct():
    source = DEMO.read_text(encoding="utf-8").replace(
        STARTER, "answer = (C / (6 * tokens_per_parameter)) ** 0.5")
    outcome = _run(source)
    assert outcome["result"]["correct"] is True
    assert "Correct" in outcome["stdout"]
