"""exercises/ch01.py: the scores-shape checker accepts the right shape, rejects typical slips."""
import pytest

import pycore as pc
from exercises import check
from exercises.ch01 import SHAPE_PROBLEM

CONFIG = pc.load_pretrained("lm_tiny")[0].config
B, T = SHAPE_PROBLEM["B"], SHAPE_PROBLEM["T"]
H, D = CONFIG.n_heads, CONFIG.d_model
RIGHT = (B, H, T, T)  # batch, heads, queries, keys: written out from the config


@pytest.mark.parametrize("answer", [RIGHT, list(RIGHT)])
def test_accepts_the_right_shape(answer, capsys):
    outcome = check("01/scores_shape", answer)
    assert outcome["correct"] is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong, hint_word", [
    ((B, T, D), "residual stream"),
    ((B, H, T, D // H), "queries split into heads"),
    ((B, T, T), "missing"),
    ((T, T), "missing"),
    ((B, T, H, T), "order"),
    ((B, H, T), "axes"),
    (None, "set `answer`"),
    ("shape", "whole numbers"),
])
def test_rejects_typical_wrong_answers_with_a_hint(wrong, hint_word, capsys):
    outcome = check("01/scores_shape", wrong)
    assert outcome["correct"] is False
    assert hint_word in outcome["hint"]
    printed = capsys.readouterr().out
    assert printed.startswith("Not yet")
    assert str(RIGHT) not in printed and str(list(RIGHT)) not in printed  # never the solution
