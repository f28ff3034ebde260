"""demos/01/check_yourself.py: the starter is marked wrong and measures nothing; a committed
prediction is checked, then the demo shows the measured sizes."""
from demo_helpers import run_exercise

import pycore as pc
from exercises.ch01 import GROWTH_PROBLEM


def test_starter_is_not_yet_and_shows_no_answer():
    starter = run_exercise("01/check_yourself")
    assert starter["result"]["correct"] is False
    assert "scores hold" not in starter["stdout"], "the measurement waits for a prediction"


def test_a_right_prediction_is_correct_and_the_run_shows_the_sizes():
    fixed = run_exercise("01/check_yourself", ("prediction = None", "prediction = (4, 2)"))
    assert fixed["result"]["correct"] is True
    config = pc.load_pretrained("lm_tiny")[0].config
    T = GROWTH_PROBLEM["T"]
    for length in (T, 2 * T):
        scores = config.n_heads * length * length
        assert f"scores hold {scores:6,d} numbers" in fixed["stdout"]


def test_a_wrong_prediction_is_not_yet_but_still_shows_what_happens():
    wrong = run_exercise("01/check_yourself", ("prediction = None", "prediction = (2, 2)"))
    assert wrong["result"]["correct"] is False
    assert wrong["stdout"].startswith("Not yet") and "scores hold" in wrong["stdout"]
