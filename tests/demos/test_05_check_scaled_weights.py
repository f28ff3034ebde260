"""demos/05/check_scaled_weights.py: the starter is marked wrong, the fixed line right."""
from demo_helpers import run_exercise

DEMO = "05/check_scaled_weights"
STARTER = "answer = pc.softmax(scores)  # TODO: this forgets something; fix it"


def test_starter_is_not_yet_correct():
    outcome = run_exercise(DEMO, (STARTER, STARTER))
    assert outcome["result"]["correct"] is False
    assert "Not yet" in outcome["stdout"]


def test_fixed_answer_is_correct():
    outcome = run_exercise(DEMO, (STARTER, "answer = pc.softmax(scores / np.sqrt(K.shape[1]))"))
    assert outcome["result"]["correct"] is True
    assert "Correct" in outcome["stdout"]
