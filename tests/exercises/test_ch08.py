"""exercises/ch08.py: the SwiGLU parameter checker accepts the count and rejects typical slips."""
from pathlib import Path

import pytest

from demos.runner import run_demo
from exercises import check
from exercises.ch08 import SWIGLU_PROBLEM

DEMO = Path(__file__).resolve().parents[2] / "demos" / "08" / "check_yourself.py"
D, F = SWIGLU_PROBLEM["d_model"], SWIGLU_PROBLEM["d_ff"]


def test_accepts_three_bias_free_matrices(capsys):
    assert check("08/swiglu_params", 3 * D * F)["correct"] is True  # W_gate, W_up, W_down
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong, hint_word", [
    (2 * D * F, "third matrix"),
    (2 * D * F + F + D, "third matrix"),
    (3 * D * F + 2 * F + D, "no biases"),
    (3 * D * 4 * D, "given d_ff"),
    (3 * D * F + 1, "count the entries"),
    (1.5, "whole number"),
    (None, "set `answer`"),
    ([1, 2], "single number"),
])
def test_rejects_typical_wrong_answers(wrong, hint_word, capsys):
    outcome = check("08/swiglu_params", wrong)
    assert outcome["correct"] is False
    assert hint_word in outcome["hint"]
    printed = capsys.readouterr().out
    assert printed.startswith("Not yet") and str(3 * D * F) not in printed


def test_exercise_demo():
    source = DEMO.read_text(encoding="utf-8")
    outcome = run_demo(source, filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    assert outcome["result"]["correct"] is False
    solved = source.replace("answer = None", f"answer = {3 * D * F}")
    assert run_demo(solved, filename=str(DEMO))["result"]["correct"] is True
