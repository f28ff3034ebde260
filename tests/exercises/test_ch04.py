"""Chapter 04 checker: accepts the causal weights, rejects the usual slips with a hint."""
import numpy as np
import pytest

from exercises import check
from exercises.ch04 import CAUSAL_WEIGHTS_PROBLEM, NEAR

EXERCISE = "04/causal_weights"


def reference_answer():
    """Causal weights of the worked example, by hand: scores Q K^T / 2 = [[.5,.5,.5],
    [.5,.5,.5],[.5,.5,1]]; row i keeps keys j <= i."""
    e = np.exp
    sat = np.array([e(0.5), e(0.5), e(1.0)]) / (2 * e(0.5) + e(1.0))
    return np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], sat])


def wrong_answers():
    """Typical mistakes, each computed without pycore."""
    Q, K = CAUSAL_WEIGHTS_PROBLEM["Q"], CAUSAL_WEIGHTS_PROBLEM["K"]
    raw = Q @ K.T  # (3, 3)
    lower = np.tril(np.ones((3, 3), dtype=bool))

    def softmax(x, axis=-1):
        z = np.exp(x - x.max(axis=axis, keepdims=True))
        return z / z.sum(axis=axis, keepdims=True)

    return {
        "unscaled": softmax(np.where(lower, raw, -np.inf)),
        "transposed": reference_answer().T,
        "no mask": softmax(raw / 2),
        "masked after softmax": softmax(raw / 2) * lower,
        "zero instead of -inf": softmax(np.where(lower, raw / 2, 0.0)),
        "softmax over columns": softmax(np.where(lower, raw / 2, -np.inf), axis=0),
        "scores, no softmax": raw / 2,
        "uniform": np.full((3, 3), 1 / 3),
    }


def test_problem_is_the_chapter_example():
    np.testing.assert_array_equal(CAUSAL_WEIGHTS_PROBLEM["Q"] @ CAUSAL_WEIGHTS_PROBLEM["K"].T,
                                  [[1, 1, 1], [1, 1, 1], [1, 1, 2]], err_msg="Q K^T")


def test_accepts_right_answer(capsys):
    verdict = check(EXERCISE, reference_answer())
    assert verdict["correct"] is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("decimals", [2, 3, 4])
def test_accepts_nested_list_rounded(decimals):
    rounded = np.round(reference_answer(), decimals).tolist()
    assert check(EXERCISE, rounded)["correct"] is True


def test_a_too_coarse_rounding_is_told_so_not_called_a_slip(capsys):
    rounded = np.round(reference_answer(), 1)  # [[1, 0, 0], [.5, .5, 0], [.3, .3, .5]]
    verdict = check(EXERCISE, rounded.tolist())
    assert verdict["correct"] is False
    assert "two decimals" in verdict["hint"], verdict["hint"]
    assert "sum to 1" not in verdict["hint"]
    for number in ("0.274", "0.452", "0.27", "0.45"):
        assert number not in capsys.readouterr().out


def test_every_recognised_slip_is_far_from_the_right_answer():
    # Far enough that two-decimal rounding of the right answer never looks like a slip.
    for name, wrong in wrong_answers().items():
        assert np.abs(wrong - reference_answer()).max() > 0.05, name
        # ... so none of them is taken for the right answer rounded to one decimal.
        assert not np.allclose(wrong, reference_answer(), rtol=0.0, atol=NEAR), name


@pytest.mark.parametrize("mistake", sorted(wrong_answers()))
def test_rejects_typical_mistakes_without_giving_the_answer(mistake, capsys):
    verdict = check(EXERCISE, wrong_answers()[mistake])
    out = capsys.readouterr().out
    assert verdict["correct"] is False, f"accepted the {mistake} answer"
    assert out.startswith("Not yet: ") and verdict["hint"]
    for number in ("0.274", "0.452", "0.27", "0.45"):
        assert number not in out, f"the hint for {mistake!r} reveals {number}"


def test_specific_hints():
    hints = {name: check(EXERCISE, answer)["hint"] for name, answer in wrong_answers().items()}
    assert "sqrt(d_k)" in hints["unscaled"]
    assert "-inf" in hints["no mask"]
    assert "before" in hints["masked after softmax"]
    assert "exp(0)" in hints["zero instead of -inf"]
    assert "last axis" in hints["softmax over columns"]
    assert "diagonal" in hints["transposed"]


@pytest.mark.parametrize("answer", [None, "weights", [[1, 0], [0, 1]], [[np.nan] * 3] * 3])
def test_rejects_malformed_answers(answer):
    assert check(EXERCISE, answer)["correct"] is False
