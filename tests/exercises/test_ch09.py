"""exercises/ch09.py: the causality checker accepts the right mask and rejects the slips."""
import numpy as np

from exercises import check
from exercises.ch09 import CAUSALITY_PROBLEM

T, J = CAUSALITY_PROBLEM["T"], CAUSALITY_PROBLEM["changed"]


def test_accepts_right_answer(capsys):
    right = [t >= J for t in range(T)]
    assert check("09/which_change", right)["correct"] is True
    assert check("09/which_change", np.array(right, dtype=int))["correct"] is True
    assert "Correct" in capsys.readouterr().out


def test_rejects_typical_mistakes_with_specific_hints(capsys):
    t = np.arange(T)
    cases = {
        "own position left out": (t > J, "own position"),
        "reversed": (t <= J, "other way"),
        "reversed, strict": (t < J, "other way"),
        "everything": (np.ones(T, dtype=bool), "bidirectional"),
        "nothing": (np.zeros(T, dtype=bool), "for each position"),
        "wrong shape": ([True] * 3, "expected"),
        "missing": (None, "set"),
    }
    for label, (answer, hint_word) in cases.items():
        verdict = check("09/which_change", answer)
        assert verdict["correct"] is False, label
        assert hint_word in verdict["hint"], label
    assert "Not yet" in capsys.readouterr().out
