"""demos/12/check_yourself.py: no prediction, no measurement; a right prediction is confirmed
by the measured loss of the untrained model, which is close to log V."""
import math

from demo_helpers import run_exercise

DEMO = "12/check_yourself"
STARTER = "prediction = None  # your prediction, in nats per byte"


def test_starter_is_not_yet_correct_and_measures_nothing():
    outcome = run_exercise(DEMO, (STARTER, STARTER))
    assert outcome["result"]["correct"] is False
    assert "measured" not in outcome["result"]
    assert "Not yet" in outcome["stdout"]


def test_prediction_is_checked_then_measured():
    outcome = run_exercise(DEMO, (STARTER, "prediction = 5.55"))
    assert outcome["result"]["correct"] is True
    assert abs(outcome["result"]["measured"] - math.log(256)) < 0.06
    assert "Correct" in outcome["stdout"] and "measured" in outcome["stdout"]
