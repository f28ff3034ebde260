"""demos/05/overflow.py: the naive softmax overflows, the max-subtracted one does not."""
import struct

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


def test_thresholds_of_the_formats_kernels_use(run_with):
    limits = run_with("05/overflow")["exp_limits"]
    # ln of the largest finite number: 2^1024 (1 - 2^-53), 2^128 (1 - 2^-24), 65504.
    assert_allclose(limits["float64"], 1024 * np.log(2) + np.log1p(-2.0 ** -53), rtol=1e-12)
    assert_allclose(limits["float32"], 128 * np.log(2) + np.log1p(-2.0 ** -24), rtol=1e-6)
    assert_allclose(limits["float16"], np.log(65504.0), rtol=1e-6)
    assert [round(limits[k], 2) for k in ("float64", "float32", "float16")] == [
        709.78, 88.72, 11.09]
    # bfloat16 is the top half of a float32: its largest finite number has the bits 0x7f7f.
    bf16_max = struct.unpack(">f", bytes.fromhex("7f7f0000"))[0]
    assert_allclose(limits["bfloat16"], np.log(bf16_max), rtol=1e-12)
    assert limits["bfloat16"] < limits["float32"] and round(limits["bfloat16"], 2) == 88.72


def test_float16_overflows_at_a_small_shift(run_with):
    small = run_with("05/overflow", shift=20.0, dtype="float16")
    assert small["naive_finite"] is False  # e^21 > 65504
    assert_allclose(small["stable"], _reference([1.0, 2.0, 3.0]), rtol=1e-3)
    assert run_with("05/overflow", shift=20.0, dtype="float32")["naive_finite"] is True
