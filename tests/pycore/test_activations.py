"""Tests for pycore.activations: values, backward passes, PyTorch parity, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import pycore as pc

X = np.array([-3.0, -1.0, -0.2, 0.0, 0.5, 1.0, 4.0])


def test_known_values():
    np.testing.assert_array_equal(pc.relu(X), [0, 0, 0, 0, 0.5, 1.0, 4.0], err_msg="relu")
    # GELU(1) = Phi(1) = 0.5 (1 + erf(1 / sqrt 2)); SiLU(1) = 1 / (1 + e^-1)
    np.testing.assert_allclose(pc.gelu(1.0, approximate="none"),
                               0.5 * (1 + math.erf(1 / math.sqrt(2))), rtol=1e-15, atol=0,
                               err_msg="gelu(1)")
    u = math.sqrt(2 / math.pi) * (1 + 0.044715)
    np.testing.assert_allclose(pc.gelu(1.0, approximate="tanh"), 0.5 * (1 + math.tanh(u)),
                               rtol=1e-15, atol=0, err_msg="gelu_tanh(1)")
    np.testing.assert_allclose(pc.silu(1.0), 1 / (1 + math.exp(-1)), rtol=1e-15, atol=0,
                               err_msg="silu(1)")
    assert pc.gelu(0.0) == 0.0 and pc.silu(0.0) == 0.0


def test_sigmoid_extremes():
    with np.errstate(over="raise"):
        s = pc.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(s, [0.0, 0.5, 1.0], err_msg="sigmoid extremes")
    np.testing.assert_allclose(pc.sigmoid(-30.0), math.exp(-30) / (1 + math.exp(-30)),
                               rtol=1e-15, atol=0, err_msg="sigmoid(-30) keeps its precision")


@pytest.mark.parametrize("name", ["relu", "gelu_tanh", "gelu_none", "silu", "sigmoid"])
def test_dtype_preserved(name):
    funcs = {"relu": pc.relu, "gelu_tanh": lambda x: pc.gelu(x, "tanh"),
             "gelu_none": lambda x: pc.gelu(x, "none"), "silu": pc.silu, "sigmoid": pc.sigmoid}
    f = funcs[name]
    assert f(X.astype(np.float32)).dtype == np.float32
    assert f(X).dtype == np.float64
    assert f([1, 2]).dtype == np.float64


def test_bad_inputs():
    with pytest.raises(ValueError, match="approximate must be one of 'tanh', 'none'; got 'foo'"):
        pc.gelu(X, approximate="foo")
    with pytest.raises(ValueError, match="approximate must be one of .*got 'foo'"):
        pc.gelu_backward(X, X, approximate="foo")
    for f in (pc.relu, pc.gelu, pc.silu, pc.sigmoid):
        with pytest.raises(ValueError, match=r"x \(shape \(2,\)\) contains 1 non-finite"):
            f([np.nan, 1.0])
        with pytest.raises(TypeError, match="x must be a real numeric array"):
            f(np.array([1 + 2j]))
    for b in (pc.relu_backward, pc.gelu_backward, pc.silu_backward):
        with pytest.raises(ValueError, match=r"dy has shape \(3,\) but x has shape \(2,\)"):
            b(np.zeros(3), np.zeros(2))


@pytest.mark.parametrize("name", ["relu", "gelu_tanh", "gelu_none", "silu"])
def test_backward_finite_differences(rng, gradcheck, name):
    forward = {"relu": pc.relu, "gelu_tanh": lambda x: pc.gelu(x, "tanh"),
               "gelu_none": lambda x: pc.gelu(x, "none"), "silu": pc.silu}[name]
    backward = {"relu": pc.relu_backward,
                "gelu_tanh": lambda dy, x: pc.gelu_backward(dy, x, approximate="tanh"),
                "gelu_none": lambda dy, x: pc.gelu_backward(dy, x, approximate="none"),
                "silu": pc.silu_backward}[name]
    x = rng.normal(scale=2.0, size=(3, 5))
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU's kink out of the finite-difference stencil
    G = rng.normal(size=(3, 5))
    gradcheck(lambda: float(np.sum(forward(x) * G)), x, backward(G, x), f"dx ({name})")


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_torch_parity(rng, dtype, tol):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = (rng.normal(size=(4, 50)) * 4).astype(dtype)
    t = torch.tensor(x)
    pairs = [
        ("relu", pc.relu(x), F.relu(t)),
        ("gelu none", pc.gelu(x, approximate="none"), F.gelu(t, approximate="none")),
        ("gelu tanh", pc.gelu(x, approximate="tanh"), F.gelu(t, approximate="tanh")),
        ("silu", pc.silu(x), F.silu(t)),
    ]
    for name, ours, ref in pairs:
        assert ours.dtype == dtype, name
        np.testing.assert_allclose(ours, ref.numpy(), rtol=tol, atol=tol, err_msg=f"{name}")


def test_backward_torch_autograd(rng):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = rng.normal(scale=2.0, size=(3, 7))
    G = rng.normal(size=(3, 7))
    cases = [
        ("relu", lambda t: F.relu(t), pc.relu_backward(G, x)),
        ("gelu none", lambda t: F.gelu(t, approximate="none"),
         pc.gelu_backward(G, x, approximate="none")),
        ("gelu tanh", lambda t: F.gelu(t, approximate="tanh"),
         pc.gelu_backward(G, x, approximate="tanh")),
        ("silu", lambda t: F.silu(t), pc.silu_backward(G, x)),
    ]
    for name, f, ours in cases:
        t = torch.tensor(x, requires_grad=True)
        (f(t) * torch.tensor(G)).sum().backward()
        np.testing.assert_allclose(ours, t.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"dx ({name}) vs torch")
