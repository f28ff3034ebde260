"""demos/01/check_yourself.py: the starter is marked wrong, the filled-in answer right."""
from demo_helpers import run_exercise

import pycore as pc
from exercises.ch01 import SHAPE_PROBLEM


def test_starter_is_not_yet_and_the_right_shape_is_correct():
    starter = run_exercise("01/check_yourself")
    assert starter["result"]["correct"] is False
    config = pc.load_pretrained("lm_tiny")[0].config
    shape = (SHAPE_PROBLEM["B"], config.n_heads, SHAPE_PROBLEM["T"], SHAPE_PROBLEM["T"])
    fixed = run_exercise("01/check_yourself", ("answer = None", f"answer = {shape}"))
    assert fixed["result"]["correct"] is True
    assert fixed["stdout"].strip().splitlines()[-1].startswith("Correct")
