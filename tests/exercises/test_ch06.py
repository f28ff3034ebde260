"""exercises/ch06.py: the KV-cache checker accepts the right size and rejects typical slips."""
from pathlib import Path

import pytest

from demos.runner import run_demo
from exercises import check
from exercises.ch06 import KV_CACHE_PROBLEM

DEMO = Path(__file__).resolve().parents[2] / "demos" / "06" / "check_yourself.py"


def _right():
    p = KV_CACHE_PROBLEM
    # 2 (K and V) x layers x KV heads x d_head x tokens x bytes x batch, written out here
    return (2 * p["n_layers"] * p["n_kv_heads"] * p["d_head"] * p["T"] * p["bytes_per_value"]
            * p["batch"])


def test_accepts_the_right_answer(capsys):
    outcome = check("06/kv_cache_bytes", _right())
    assert outcome["correct"] is True
    assert capsys.readouterr().out.startswith("Correct")


def test_accepts_three_significant_figures():
    assert check("06/kv_cache_bytes", float(f"{_right():.3g}"))["correct"] is True
    assert check("06/kv_cache_bytes", float(f"{_right():.1g}"))["correct"] is False


@pytest.mark.parametrize("wrong, hint_word", [
    (lambda r: r * KV_CACHE_PROBLEM["n_heads"] // KV_CACHE_PROBLEM["n_kv_heads"], "query head"),
    (lambda r: r // 2, "factor 2"),
    (lambda r: r * 2, "2 bytes"),
    (lambda r: r / 2**20, "bytes"),
    (lambda r: r + r // 10, "multiply"),
    (lambda r: None, "set `answer`"),
    (lambda r: "many", "single number"),
])
def test_rejects_typical_wrong_answers_with_a_hint(wrong, hint_word, capsys):
    outcome = check("06/kv_cache_bytes", wrong(_right()))
    assert outcome["correct"] is False
    assert hint_word in outcome["hint"]
    printed = capsys.readouterr().out
    assert printed.startswith("Not yet")
    assert str(_right()) not in printed  # never gives the solution away


def test_exercise_demo_starts_unanswered_and_accepts_an_answer():
    source = DEMO.read_text(encoding="utf-8")
    outcome = run_demo(source, filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    assert outcome["result"]["correct"] is False
    answered = source.replace("answer = None", f"answer = {_right()}")
    outcome = run_demo(answered, filename=str(DEMO))
    assert outcome["result"]["correct"] is True
