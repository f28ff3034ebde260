"""exercises/ch11.py: the nucleus checker accepts the right answer and rejects the slips."""
import numpy as np

from exercises import check
from exercises.ch11 import NUCLEUS_PROBLEM

LOGITS = NUCLEUS_PROBLEM["logits"]
P = NUCLEUS_PROBLEM["p"]


def _probs():
    e = np.exp(LOGITS - LOGITS.max())
    return e / e.sum()


def _nucleus(include_crossing=True):
    probs = _probs()
    keep, mass = [], 0.0
    for i in np.argsort(-probs, kind="stable"):
        if mass >= P - 1e-12:
            break
        mass += probs[i]
        keep.append(i)
    if not include_crossing:
        keep = keep[:-1]
    return np.array([probs[i] if i in keep else 0.0 for i in range(len(probs))])


def test_accepts_right_answer(capsys):
    right = _nucleus() / _nucleus().sum()
    assert np.count_nonzero(right) == 3  # 0.40 + 0.25 < 0.7 <= 0.40 + 0.25 + 0.15
    assert check("11/nucleus", right)["correct"] is True
    assert check("11/nucleus", list(np.round(right, 3)))["correct"] is True
    assert check("11/nucleus", list(np.round(right, 2)))["correct"] is True  # 0.31, 0.19
    assert "Correct" in capsys.readouterr().out


def test_rejects_typical_mistakes_with_specific_hints(capsys):
    short = _nucleus(include_crossing=False)
    cases = {
        "not renormalised": (_nucleus(), "renormalised"),
        "crossing token dropped": (short / short.sum(), "reaches"),
        "no filter": (_probs(), "unfiltered"),
        "logits": (LOGITS, "logits"),
        "wrong shape": (np.ones(3) / 3, "expected"),
        "missing": (None, "set"),
    }
    for label, (answer, hint_word) in cases.items():
        verdict = check("11/nucleus", answer)
        assert verdict["correct"] is False, label
        assert hint_word in verdict["hint"], label
    out = capsys.readouterr().out
    assert "Not yet" in out
    right = _nucleus() / _nucleus().sum()
    assert f"{right[2]:.4f}" not in out, "a hint must never print the solution"
