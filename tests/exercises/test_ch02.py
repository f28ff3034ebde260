"""exercises/ch02.py: the weight-tying checker accepts V * d_model and rejects the slips."""
from exercises import check
from exercises.ch02 import TYING_PROBLEM

V, D = TYING_PROBLEM["V"], TYING_PROBLEM["d_model"]


def test_accepts_right_count(capsys):
    right = sum(1 for _ in range(D)) * V  # d_model rows of V output weights
    assert check("02/weight_tying", right)["correct"] is True
    assert check("02/weight_tying", float(right))["correct"] is True
    assert "Correct" in capsys.readouterr().out


def test_rejects_typical_mistakes(capsys):
    cases = {
        "both matrices": (2 * V * D, "one copy"),
        "with bias": (V * D + V, "bias"),
        "sum": (V + D, "entry"),
        "square": (D * D, "not to d_model"),
        "nothing": (None, "whole number"),
    }
    for label, (answer, word) in cases.items():
        outcome = check("02/weight_tying", answer)
        assert outcome["correct"] is False, label
        assert word in outcome["hint"], label
    assert str(V * D) not in capsys.readouterr().out
