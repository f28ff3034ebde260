"""exercises/ch07.py: the LayerNorm checker accepts the right vector and rejects typical slips."""
from pathlib import Path

import numpy as np
import pytest

from demos.runner import run_demo
from exercises import check
from exercises.ch07 import LAYER_NORM_PROBLEM

DEMO = Path(__file__).resolve().parents[2] / "demos" / "07" / "check_yourself.py"
X = np.array(LAYER_NORM_PROBLEM["x"])
EPS = LAYER_NORM_PROBLEM["eps"]


def _right():
    # Ba et al. 2016 with gamma = 1, beta = 0: biased variance over the 8 features.
    return (X - X.mean()) / np.sqrt(np.mean((X - X.mean()) ** 2) + EPS)


def test_accepts_the_right_answer(capsys):
    assert check("07/layer_norm", _right().tolist())["correct"] is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong, hint_word", [
    (X / np.sqrt(np.mean(X**2)), "RMSNorm"),
    ((X - X.mean()) / np.std(X, ddof=1), "d - 1"),
    ((X - X.mean()) / np.var(X), "standard deviation"),
    (X - X.mean(), "removed the mean"),
    (np.zeros(8), "subtract the mean"),
    (np.zeros(3), "expected 8"),
    (None, "set `answer`"),
])
def test_rejects_typical_wrong_answers(wrong, hint_word, capsys):
    outcome = check("07/layer_norm", wrong)
    assert outcome["correct"] is False
    assert hint_word in outcome["hint"]
    assert capsys.readouterr().out.startswith("Not yet")


def test_exercise_demo():
    source = DEMO.read_text(encoding="utf-8")
    outcome = run_demo(source, filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    assert outcome["result"]["correct"] is False
    solved = source.replace("answer = None", "answer = (x - x.mean()) / x.std()")
    assert run_demo(solved, filename=str(DEMO))["result"]["correct"] is True
