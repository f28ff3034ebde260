"""Tests for pycore._validation: the dtype rule and the shared error messages."""

from __future__ import annotations

import numpy as np
import pytest

from pycore import _validation as v


def test_as_float_array_dtype_rule():
    assert v.as_float_array(np.zeros(2, dtype=np.float32), "x").dtype == np.float32
    assert v.as_float_array([1, 2], "x").dtype == np.float64
    assert v.as_float_array(np.zeros(2, dtype=np.float16), "x").dtype == np.float64
    assert v.as_float_array(np.zeros(2), "x", dtype=np.float32).dtype == np.float32
    out = v.as_float_array([np.inf], "x", allow_nonfinite=True)
    assert out[0] == np.inf


def test_as_float_array_errors():
    with pytest.raises(TypeError, match=r"w must be a real numeric array, got dtype <U1"):
        v.as_float_array(["a"], "w")
    with pytest.raises(ValueError, match=r"w \(shape \(2, 2\)\) contains 2 non-finite .* first at "
                                         r"index \(0, 1\)"):
        v.as_float_array([[0, np.nan], [np.inf, 0]], "w")


def test_as_int_array():
    assert v.as_int_array([1.0, 2.0], "ids").dtype == np.int64
    with pytest.raises(TypeError, match="ids must be an integer array, got dtype float64"):
        v.as_int_array([1.5], "ids")


def test_scalar_checks():
    assert v.check_positive_int(np.int64(3), "n") == 3
    with pytest.raises(TypeError, match="n must be an integer, got True"):
        v.check_positive_int(True, "n")
    with pytest.raises(ValueError, match="n must be a non-negative integer, got -1"):
        v.check_nonnegative_int(-1, "n")
    with pytest.raises(ValueError, match="eps must be a finite positive number, got nan"):
        v.check_positive_float(float("nan"), "eps")
    with pytest.raises(ValueError, match="mode must be one of 'a', 'b'; got 'c'"):
        v.check_choice("c", "mode", ("a", "b"))


def test_broadcast_and_unbroadcast():
    assert v.broadcast_shapes(("a", (2, 1, 4)), ("b", (3, 1))) == (2, 3, 4)
    with pytest.raises(ValueError, match=r"do not broadcast together: a \(2, 3\), b \(4,\)"):
        v.broadcast_shapes(("a", (2, 3)), ("b", (4,)))
    grad = np.ones((5, 2, 3, 4))
    np.testing.assert_array_equal(v.unbroadcast(grad, (2, 1, 4)), np.full((2, 1, 4), 15.0),
                                  err_msg="unbroadcast sums added and stretched axes")


def test_check_keys():
    with pytest.raises(ValueError, match=r"missing \['b'\], unexpected \['c'\]"):
        v.check_keys({"a": 1, "c": 2}, "params", ["a", "b"])
