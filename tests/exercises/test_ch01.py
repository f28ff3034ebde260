"""exercises/ch01.py: the growth checker accepts right predictions, rejects typical slips."""
import pytest

import pycore as pc
from exercises import check
from exercises.ch01 import GROWTH_PROBLEM, growth_factors, measured_sizes

CONFIG = pc.load_pretrained("lm_tiny")[0].config


def test_measured_sizes_are_the_shapes_written_out():
    T = GROWTH_PROBLEM["T"]
    assert measured_sizes(T) == (CONFIG.n_heads * T * T, T * CONFIG.d_model)
    assert growth_factors() == (4.0, 2.0)


@pytest.mark.parametrize("answer", [(4, 2), [4.0, 2.0], (4.02, 1.98), ("4", "2")])
def test_accepts_right_predictions_rounded_or_not(answer, capsys):
    outcome = check("01/growth", answer)
    assert outcome["correct"] is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong, hint_word", [
    ((2, 2), "pair"),          # scores thought to grow like the stream
    ((4, 4), "one\nd_model vector".replace("\n", " ")),  # stream thought to grow like scores
    ((2, 4), "wrong order"),
    ((8, 2), "pair"),
    ((1, 1), "count what each tensor holds"),
    (None, "write your prediction"),
    ("four", "two numbers"),
    ((4, 2, 1), "two numbers"),
])
def test_rejects_typical_wrong_answers_with_a_hint(wrong, hint_word, capsys):
    outcome = check("01/growth", wrong)
    assert outcome["correct"] is False
    assert hint_word in outcome["hint"], outcome["hint"]
    printed = capsys.readouterr().out
    assert printed.startswith("Not yet")
    assert "(4, 2)" not in printed and "quadruple" not in printed  # never the solution
