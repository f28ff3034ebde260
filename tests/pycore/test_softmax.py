"""Tests for pycore.softmax: values, stability, dtypes, errors, backward, PyTorch parity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pycore as pc

SETTINGS = settings(max_examples=30, deadline=None)


def test_known_values():
    x = np.array([1.0, 2.0, 3.0])
    total = math.exp(1) + math.exp(2) + math.exp(3)
    expected = np.array([math.exp(1), math.exp(2), math.exp(3)]) / total
    np.testing.assert_allclose(pc.softmax(x), expected, rtol=1e-15, atol=0, err_msg="softmax")
    np.testing.assert_allclose(pc.log_softmax(x), np.log(expected), rtol=1e-14, atol=0,
                               err_msg="log_softmax")


def test_no_overflow_for_large_inputs():
    x = np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4]])
    with np.errstate(over="raise", invalid="raise"):
        y = pc.softmax(x)
        log_y = pc.log_softmax(x)
    np.testing.assert_allclose(y[0], [1.0, 0.0, 0.0], rtol=0, atol=1e-300, err_msg="softmax[0]")
    np.testing.assert_allclose(y[1], [1 / 3] * 3, rtol=1e-15, atol=0, err_msg="softmax[1]")
    np.testing.assert_allclose(log_y[0], [0.0, -1e4, -2e4], rtol=1e-15, atol=0,
                               err_msg="log_softmax[0]")


def test_minus_inf_gets_zero_probability():
    y = pc.softmax([0.0, -np.inf, 0.0])
    np.testing.assert_array_equal(y, [0.5, 0.0, 0.5], err_msg="softmax with -inf")
    assert pc.log_softmax([0.0, -np.inf])[1] == -np.inf


def test_axis_argument(rng):
    x = rng.normal(size=(4, 3, 5))
    for axis in (0, 1, -1):
        y = pc.softmax(x, axis=axis)
        np.testing.assert_allclose(y.sum(axis=axis), 1.0, rtol=0, atol=1e-15,
                                   err_msg=f"softmax axis={axis} sums")
        expected = np.exp(x) / np.exp(x).sum(axis=axis, keepdims=True)
        np.testing.assert_allclose(y, expected, rtol=1e-13, atol=0, err_msg=f"axis={axis}")


def test_dtypes(rng):
    x32 = rng.normal(size=(3, 4)).astype(np.float32)
    assert pc.softmax(x32).dtype == np.float32
    assert pc.log_softmax(x32).dtype == np.float32
    assert pc.softmax(x32.astype(np.float64)).dtype == np.float64
    assert pc.softmax([1, 2, 3]).dtype == np.float64  # integers -> float64
    y = pc.softmax(x32)
    assert pc.softmax_backward(np.ones_like(y), y).dtype == np.float32


@pytest.mark.parametrize("func", [pc.softmax, pc.log_softmax])
def test_bad_inputs(func):
    with pytest.raises(ValueError, match=r"x \(shape \(2,\)\) contains NaN or \+inf"):
        func([np.nan, 1.0])
    with pytest.raises(ValueError, match=r"contains NaN or \+inf"):
        func([np.inf, 1.0])
    with pytest.raises(ValueError, match=r"1 row\(s\) along axis 1 .*entirely -inf"):
        func([[0.0, 1.0], [-np.inf, -np.inf]])
    with pytest.raises(ValueError, match="scalar"):
        func(3.0)
    with pytest.raises(ValueError, match=r"axis=2 is out of range .* 2 dims"):
        func(np.zeros((2, 2)), axis=2)
    with pytest.raises(ValueError, match="is empty"):
        func(np.zeros((2, 0)))
    with pytest.raises(TypeError, match="x must be a real numeric array"):
        func(["a", "b"])


def test_backward_bad_inputs():
    with pytest.raises(ValueError, match=r"dy has shape \(3,\) but y has shape \(2,\)"):
        pc.softmax_backward(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"dy \(shape \(2,\)\) contains 1 non-finite"):
        pc.softmax_backward([np.nan, 0.0], [0.5, 0.5])


@pytest.mark.parametrize("shape,axis", [((5,), -1), ((3, 4), -1), ((3, 4, 2), 1)])
def test_backward_finite_differences(rng, gradcheck, shape, axis):
    x = rng.normal(size=shape)
    G = rng.normal(size=shape)
    y = pc.softmax(x, axis=axis)
    dx = pc.softmax_backward(G, y, axis=axis)
    gradcheck(lambda: float(np.sum(pc.softmax(x, axis=axis) * G)), x, dx, "dx (softmax)")


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 6), cols=st.integers(1, 12),
       spread=st.floats(0.1, 1e3), shift=st.floats(-1e3, 1e3))
def test_rows_sum_to_one_and_shift_invariant(seed, rows, cols, spread, shift):
    x = np.random.default_rng(seed).normal(scale=spread, size=(rows, cols))
    y = pc.softmax(x)
    assert np.all(y >= 0), "softmax has a negative entry"
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=0, atol=1e-12, err_msg="row sums")
    np.testing.assert_allclose(pc.softmax(x + shift), y, rtol=1e-9, atol=1e-12,
                               err_msg="softmax(x + c) != softmax(x)")
    np.testing.assert_allclose(np.exp(pc.log_softmax(x)), y, rtol=1e-9, atol=1e-300,
                               err_msg="exp(log_softmax)")


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
@pytest.mark.parametrize("shape,axis", [((7,), -1), ((2, 3, 9), -1), ((4, 5, 6), 0)])
def test_torch_parity(rng, dtype, tol, shape, axis):
    torch = pytest.importorskip("torch")
    x = (rng.normal(size=shape) * 5).astype(dtype)
    t = torch.tensor(x)
    np.testing.assert_allclose(pc.softmax(x, axis=axis), torch.softmax(t, dim=axis).numpy(),
                               rtol=tol, atol=tol, err_msg="softmax vs torch")
    np.testing.assert_allclose(pc.log_softmax(x, axis=axis),
                               torch.log_softmax(t, dim=axis).numpy(),
                               rtol=tol, atol=tol, err_msg="log_softmax vs torch")


def test_backward_torch_autograd(rng):
    torch = pytest.importorskip("torch")
    x = rng.normal(size=(3, 6))
    G = rng.normal(size=(3, 6))
    t = torch.tensor(x, requires_grad=True)
    (torch.softmax(t, dim=-1) * torch.tensor(G)).sum().backward()
    dx = pc.softmax_backward(G, pc.softmax(x))
    np.testing.assert_allclose(dx, t.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg="dx vs torch")
