"""exercises/ch09.py: the reach of a change through a windowed causal stack, run and checked."""
import numpy as np

from exercises import check
from exercises.ch09 import WINDOW_PROBLEM, reach, window_mask

T, J, W = WINDOW_PROBLEM["T"], WINDOW_PROBLEM["changed"], WINDOW_PROBLEM["window"]


def test_the_stack_reaches_window_minus_one_further_per_block():
    for layers in (1, 2, 3):
        expected = (np.arange(T) >= J) & (np.arange(T) <= J + layers * (W - 1))
        assert np.array_equal(reach(layers), expected), layers
    assert window_mask(4, 2).tolist() == [[True, False, False, False], [True, True, False, False],
                                           [False, True, True, False], [False, False, True, True]]


def test_accepts_right_answer_as_bools_or_ints(capsys):
    right = (np.arange(T) >= J) & (np.arange(T) <= J + 2 * (W - 1))
    assert check("09/window_reach", right)["correct"] is True
    assert check("09/window_reach", right.astype(int).tolist())["correct"] is True
    out = capsys.readouterr().out
    assert "Correct" in out and "moved at positions [3, 4, 5, 6, 7]" in out


def test_rejects_typical_mistakes_with_specific_hints():
    t = np.arange(T)
    cases = [
        ((t >= J) & (t <= J + W - 1), "one block's reach"),  # forgot the second block
        (t >= J, "window limits"),  # forgot the window: every later position
        (t <= J + 4, "causal"),  # the change read backwards too
        (np.ones(T), "causal"),
        (np.zeros(T), "block by block"),
        ([True] * 3, "one value per position"),
        (None, "set `answer`"),
    ]
    for wrong, hint in cases:
        outcome = check("09/window_reach", wrong)
        assert outcome["correct"] is False, wrong
        assert hint in outcome["hint"], (wrong, outcome["hint"])
