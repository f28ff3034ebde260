"""exercises/ch05.py: the scaled-weights checker accepts the right answer, rejects slips."""
import numpy as np

from exercises import check
from exercises.ch05 import SCALED_WEIGHTS_PROBLEM

Q = SCALED_WEIGHTS_PROBLEM["q"]
K = SCALED_WEIGHTS_PROBLEM["K"]


def _softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def test_accepts_right_answer(capsys):
    right = _softmax(K @ Q / np.sqrt(Q.shape[0]))
    assert check("05/scaled_weights", right)["correct"] is True
    assert check("05/scaled_weights", list(right))["correct"] is True
    assert "Correct" in capsys.readouterr().out


def test_rejects_typical_mistakes_with_specific_hints(capsys):
    dots = K @ Q
    d_k = Q.shape[0]
    cases = {
        "unscaled": (_softmax(dots), "scaled"),
        "divided by d_k": (_softmax(dots / d_k), "sqrt"),
        "scores not weights": (dots / np.sqrt(d_k), "softmax"),
        "wrong shape": (np.ones(3) / 3, "expected"),
        "missing": (None, "set"),
    }
    for label, (answer, hint_word) in cases.items():
        verdict = check("05/scaled_weights", answer)
        assert verdict["correct"] is False, label
        assert hint_word in verdict["hint"], label
    out = capsys.readouterr().out
    assert "Not yet" in out
    right = _softmax(dots / np.sqrt(d_k))
    assert f"{right[0]:.4f}" not in out, "a hint must never print the solution"
