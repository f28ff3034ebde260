"""exercises/ch08.py: the SwiGLU ratio checker accepts the ratio and rejects typical slips."""
from pathlib import Path

import pytest

from demos.runner import run_demo
from exercises import check
from exercises.ch08 import SWIGLU_PROBLEM, right_ratio

DEMO = Path(__file__).resolve().parents[2] / "demos" / "08" / "check_yourself.py"
D, F = SWIGLU_PROBLEM["d_model"], SWIGLU_PROBLEM["d_ff"]
GELU = 2 * D * 4 * D + 4 * D + D  # W1, W2, b1, b2


def test_the_ratio_is_three_bias_free_matrices_over_a_classic_ffn():
    assert right_ratio() == pytest.approx(3 * D * F / GELU, rel=1e-12)
    assert 1.30 < right_ratio() < 1.32


@pytest.mark.parametrize("answer", [3 * D * F / GELU, 1.31, 1.3125, "1.31", 3 * 3.5 / 8])
def test_accepts_the_ratio_rounded_or_exact(answer, capsys):
    assert check("08/swiglu_ratio", answer)["correct"] is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong, hint_word", [
    (2 * D * F / GELU, "third matrix"),  # 0.87
    (3 * D * 4 * D / GELU, "Llama 3's d_ff"),  # 1.5
    (1.0, "8/3 rule"),
    (3 * D * F, "count"),
    (1.2, "count both"),
    (None, "set `answer`"),
    ([1, 2], "single number"),
])
def test_rejects_typical_wrong_answers(wrong, hint_word, capsys):
    outcome = check("08/swiglu_ratio", wrong)
    assert outcome["correct"] is False
    assert hint_word in outcome["hint"], outcome["hint"]
    printed = capsys.readouterr().out
    assert printed.startswith("Not yet") and "1.31" not in printed


def test_exercise_demo():
    source = DEMO.read_text(encoding="utf-8")
    outcome = run_demo(source, filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    assert outcome["result"]["correct"] is False
    solved = source.replace("answer = None", "answer = 1.31")
    assert run_demo(solved, filename=str(DEMO))["result"]["correct"] is True
