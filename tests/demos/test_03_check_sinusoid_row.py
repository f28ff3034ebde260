"""demos/03/check_sinusoid_row.py: the starter is marked wrong, the fixed line right."""
from demo_helpers import run_exercise

DEMO = "03/check_sinusoid_row"
STARTER = "answer = np.concatenate([np.sin(angles), np.cos(angles)])  # TODO: wrong layout; fix it"


def test_starter_is_not_yet_correct():
    outcome = run_exercise(DEMO, (STARTER, STARTER))
    assert outcome["result"]["correct"] is False
    assert "interleave" in outcome["stdout"]


def test_fixed_answer_is_correct():
    fixed = "answer = np.stack([np.sin(angles), np.cos(angles)], axis=1).ravel()"
    assert run_exercise(DEMO, (STARTER, fixed))["result"]["correct"] is True
