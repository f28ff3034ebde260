"""exercises/ch05.py: the score-variance checker accepts the right prediction, rejects slips."""
import pytest

from exercises import check
from exercises.ch05 import SCORE_VARIANCE_PROBLEM

EXERCISE = "05/score_variance"
P = SCORE_VARIANCE_PROBLEM


def _right():
    # Written out here: each product q_i k_i has variance var_q * var_k; d_k of them add up;
    # dividing the score by sqrt(d_k) divides the variance by d_k.
    return P["d_k"] * P["var_q"] * P["var_k"] / P["d_k"]


def test_problem_is_not_the_unit_variance_case():
    assert P["var_q"] != 1 and P["var_k"] != 1 and P["var_q"] != P["var_k"]


@pytest.mark.parametrize("answer", [_right(), int(_right()), round(_right() + 0.2, 1),
                                    str(_right()), _right() - 0.25])
def test_accepts_right_predictions_rounded(answer, capsys):
    assert check(EXERCISE, answer)["correct"] is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong, hint_word", [
    (lambda: 1.0, "entries' own variances"),  # "the scaling always gives 1"
    (lambda: P["var_q"] + P["var_k"], "product of the variances"),
    (lambda: P["d_k"] * P["var_q"] * P["var_k"], "raw dot product"),
    (lambda: P["var_q"] * P["var_k"] * P["d_k"] ** 0.5, "not by sqrt(d_k)"),
    (lambda: P["var_q"] * P["var_k"] / P["d_k"], "cancel"),
    (lambda: (P["var_q"] * P["var_k"]) ** 0.5, "standard deviation"),
    (lambda: 17.0, "start from one product"),
    (lambda: None, "prediction"),
    (lambda: "six", "one number"),
    (lambda: -1.0, "0 or more"),
])
def test_rejects_typical_mistakes_with_a_specific_hint(wrong, hint_word, capsys):
    outcome = check(EXERCISE, wrong())
    assert outcome["correct"] is False
    assert hint_word in outcome["hint"]
    printed = capsys.readouterr().out
    assert printed.startswith("Not yet")
    assert "6" not in printed, "a hint must never give the answer"
