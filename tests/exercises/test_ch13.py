"""exercises/ch13.py: the tokens-per-call checker accepts the right value and names the slips."""
import numpy as np
import pytest

from exercises import check
from exercises.ch13 import PROBLEM


def _alpha():
    return float(np.minimum(PROBLEM["p"], PROBLEM["q"]).sum())  # sum_x min(p(x), q(x))


def _right():
    # Round reaches draft i with probability alpha^i; the target's own token always comes.
    return sum(_alpha() ** i for i in range(PROBLEM["gamma"] + 1))


def test_accepts_the_right_answer(capsys):
    outcome = check("13/tokens_per_call", _right())
    assert outcome["correct"] is True
    assert check("13/tokens_per_call", round(_right(), 2))["correct"] is True  # 2.95
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong, hint_word", [
    (lambda: _alpha(), "acceptance rate of one draft"),
    (lambda: _right() - 1, "one token sampled by the target"),
    (lambda: _alpha() * PROBLEM["gamma"] + 1, "first rejection"),
    (lambda: sum(float(np.dot(PROBLEM["p"], PROBLEM["q"])) ** i
                 for i in range(PROBLEM["gamma"] + 1)), "min(p(x), q(x))"),
    (lambda: _right() + 0.5, "find alpha"),
    (lambda: None, "set `answer`"),
    (lambda: "lots", "single number"),
])
def test_rejects_typical_wrong_answers_with_a_hint(wrong, hint_word, capsys):
    outcome = check("13/tokens_per_call", wrong())
    assert outcome["correct"] is False
    assert hint_word in outcome["hint"]
    printed = capsys.readouterr().out
    assert printed.startswith("Not yet")
    assert f"{_right():.3f}" not in printed
