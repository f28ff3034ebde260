"""demos/05/overflow.py: the naive softmax overflows, the max-subtracted one does not."""
import numpy as np
from numpy.testing import assert_allclose


def _reference(gaps):
    """Softmax from the gaps alone (shift-invariance), computed without any large exponent."""
    e = np.exp(np.asarray(gaps) - np.max(gaps))
    return e / e.sum()


def test_default_shift_overflows_naive_but_not_stable(run_with):
    result = run_with("05/overflow")
    assert result["shift"] == 1000.0
    assert result["naive_finite"] is False
    assert_allclose(result["stable"], _reference([1.0, 2.0, 3.0]), rtol=1e-13,
                    err_msg="stable softmax of shifted scores")
    assert result["stable_vs_pycore"] < 1e-15
    assert_allclose(result["exp_limit"], np.log(np.finfo(np.float64).max), rtol=1e-15)


def test_small_shift_naive_is_fine(run_with):
    result = run_with("05/overflow", shift=0.0)
    assert result["naive_finite"] is True
    assert_allclose(result["stable"], _reference([1.0, 2.0, 3.0]), rtol=1e-13,
                    err_msg="stable softmax, no shift")
