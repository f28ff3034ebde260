"""demos/05/check_yourself.py: nothing is measured before a prediction; then the truth shows."""
import numpy as np
from demo_helpers import run_exercise

DEMO = "05/check_yourself"
STARTER = "prediction = None  # your prediction, to one decimal"


def test_starter_asks_for_a_prediction_and_measures_nothing():
    outcome = run_exercise(DEMO)
    assert outcome["result"]["correct"] is False
    assert "prediction" in outcome["result"]["hint"]
    assert "measured" not in outcome["stdout"] and "measured" not in outcome["result"]


def test_right_prediction_is_correct_and_the_measurement_agrees():
    outcome = run_exercise(DEMO, (STARTER, "prediction = 6"))
    assert outcome["result"]["correct"] is True
    # 20,000 samples: the measured variance is within a few percent of 2 x 3 = 6.
    assert abs(outcome["result"]["measured"] - 6.0) < 0.3
    assert "measured over 20,000 pairs" in outcome["stdout"]


def test_wrong_prediction_still_shows_the_measurement():
    outcome = run_exercise(DEMO, (STARTER, "prediction = 1"))
    assert outcome["result"]["correct"] is False
    assert np.isfinite(outcome["result"]["measured"])
