"""exercises/ch03.py: the sinusoid-row checker accepts PE[p], rejects the usual slips."""
import math

import numpy as np

from exercises import check
from exercises.ch03 import SINUSOID_PROBLEM

P, D, BASE = SINUSOID_PROBLEM["p"], SINUSOID_PROBLEM["d"], SINUSOID_PROBLEM["base"]


def _row(p, exponent_scale=2, interleave=True, sin_first=True):
    angles = [p / BASE ** (exponent_scale * i / D) for i in range(D // 2)]
    first = [math.sin(a) if sin_first else math.cos(a) for a in angles]
    second = [math.cos(a) if sin_first else math.sin(a) for a in angles]
    if not interleave:
        return first + second
    return [v for pair in zip(first, second) for v in pair]


def test_accepts_right_row_also_rounded(capsys):
    right = _row(P)
    assert check("03/sinusoid_row", right)["correct"] is True
    assert check("03/sinusoid_row", np.round(right, 3))["correct"] is True
    assert "Correct" in capsys.readouterr().out


def test_rejects_typical_mistakes(capsys):
    cases = {
        "halves": (_row(P, interleave=False), "interleave"),
        "swapped": (_row(P, sin_first=False), "swapped"),
        "exponent": (_row(P, exponent_scale=1), "exponent"),
        "from one": (_row(P + 1), "from 0"),
        "shape": (_row(P)[:-1], "expected"),
    }
    for label, (answer, word) in cases.items():
        outcome = check("03/sinusoid_row", answer)
        assert outcome["correct"] is False, label
        assert word in outcome["hint"], label
    assert f"{_row(P)[1]:.3f}" not in capsys.readouterr().out
