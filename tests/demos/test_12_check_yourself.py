"""demos/12/check_yourself.py: the starter is marked wrong, the fixed line right."""
from demo_helpers import run_exercise

DEMO = "12/check_yourself"
STARTER = "answer = C / 6  # TODO: this is N times D, not N; solve for N"


def test_starter_is_not_yet_correct():
    outcome = run_exercise(DEMO, (STARTER, STARTER))
    assert outcome["result"]["correct"] is False
    assert "Not yet" in outcome["stdout"]


def test_fixed_answer_is_correct():
    outcome = run_exercise(DEMO, (STARTER, "answer = (C / (6 * tokens_per_parameter)) ** 0.5"))
    assert outcome["result"]["correct"] is True
    assert "Correct" in outcome["stdout"]
