"""exercises/ch12.py: the compute-optimal checker accepts N, rejects the usual slips."""
import numpy as np

from exercises import check
from exercises.ch12 import CHINCHILLA_PROBLEM

C = CHINCHILLA_PROBLEM["compute"]
R = CHINCHILLA_PROBLEM["tokens_per_parameter"]


def test_accepts_right_answer(capsys):
    # C = 6 N (R N) = 6 R N^2.
    right = np.sqrt(C / (6 * R))
    assert check("12/compute_optimal", right)["correct"] is True
    assert check("12/compute_optimal", float(f"{right:.3g}"))["correct"] is True  # rounded
    assert "Correct" in capsys.readouterr().out


def test_rejects_typical_mistakes_with_specific_hints(capsys):
    right = np.sqrt(C / (6 * R))
    cases = {
        "tokens instead of parameters": (R * right, "tokens"),
        "D = N": (np.sqrt(C / 6), "D = N"),
        "no square root": (C / (6 * R), "square root"),
        "N times D": (C / 6, "substitute"),
        "twice the answer": (2 * right, "substitute"),
        "missing": (None, "set"),
        "not a number": ("many", "single number"),
        "negative": (-right, "positive"),
    }
    for label, (answer, hint_word) in cases.items():
        verdict = check("12/compute_optimal", answer)
        assert verdict["correct"] is False, label
        assert hint_word in verdict["hint"], (label, verdict["hint"])
    out = capsys.readouterr().out
    assert "Not yet" in out
    assert f"{right:.3g}" not in out and f"{right:g}" not in out, "a hint must not give N"
