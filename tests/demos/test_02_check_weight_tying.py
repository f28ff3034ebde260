"""demos/02/check_weight_tying.py: the starter is marked wrong, the fixed line right."""
from demo_helpers import run_exercise

DEMO = "02/check_weight_tying"
STARTER = "answer = 0  # TODO: the number of parameters saved"


def test_starter_is_not_yet_correct():
    assert run_exercise(DEMO, (STARTER, STARTER))["result"]["correct"] is False


def test_fixed_answer_is_correct():
    outcome = run_exercise(DEMO, (STARTER, "answer = V * d_model"))
    assert outcome["result"]["correct"] is True
    assert "Correct" in outcome["stdout"]
