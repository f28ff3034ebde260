"""Tests for pycore.norms: LayerNorm and RMSNorm values, backward, PyTorch parity, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import pycore as pc


def test_layer_norm_known_values():
    # mean 2, biased variance 2/3: x_hat = (x - 2) / sqrt(2/3 + eps)
    eps = 1e-5
    s = math.sqrt(2 / 3 + eps)
    np.testing.assert_allclose(pc.layer_norm([1.0, 2.0, 3.0], eps=eps), [-1 / s, 0.0, 1 / s],
                               rtol=1e-15, atol=1e-15, err_msg="layer_norm([1, 2, 3])")
    y = pc.layer_norm([1.0, 2.0, 3.0], gamma=[2.0, 2.0, 2.0], beta=[1.0, 1.0, 1.0], eps=eps)
    np.testing.assert_allclose(y, [1 - 2 / s, 1.0, 1 + 2 / s], rtol=1e-15, atol=1e-15,
                               err_msg="layer_norm with gamma, beta")


def test_rms_norm_known_values():
    # mean square of (3, 4) is 12.5
    r = math.sqrt(12.5 + 1e-6)
    np.testing.assert_allclose(pc.rms_norm([3.0, 4.0]), [3 / r, 4 / r], rtol=1e-15, atol=0,
                               err_msg="rms_norm([3, 4])")
    np.testing.assert_allclose(pc.rms_norm([3.0, 4.0], weight=[1.0, 0.5]), [3 / r, 2 / r],
                               rtol=1e-15, atol=0, err_msg="rms_norm with weight")


def test_dtypes(rng):
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    g = np.ones(4, dtype=np.float32)
    assert pc.layer_norm(x, g, g).dtype == np.float32
    assert pc.rms_norm(x, g).dtype == np.float32
    y, cache = pc.layer_norm_forward(x, g, g)
    dx, grads = pc.layer_norm_backward(np.ones_like(y), cache)
    assert dx.dtype == grads["gamma"].dtype == np.float32
    assert pc.layer_norm(x, g.astype(np.float64)).dtype == np.float64


@pytest.mark.parametrize("func", [pc.layer_norm, pc.rms_norm])
def test_bad_inputs(func):
    with pytest.raises(ValueError, match=r"has shape \(3,\), expected \(4,\) to match x \(2, 4\)"):
        func(np.zeros((2, 4)), np.ones(3))
    with pytest.raises(ValueError, match="eps must be a finite positive number, got 0.0"):
        func(np.zeros((2, 4)), eps=0.0)
    with pytest.raises(ValueError, match=r"x \(shape \(2,\)\) contains 1 non-finite"):
        func([np.inf, 0.0])
    with pytest.raises(ValueError, match=r"x has shape \(\) \(0 dims\), expected at least 1"):
        func(1.0)
    with pytest.raises(ValueError, match="the normalised axis is empty"):
        func(np.zeros((3, 0)))


def test_forward_bad_inputs():
    with pytest.raises(ValueError, match=r"gamma has shape \(2,\), expected \(3,\)"):
        pc.layer_norm_forward(np.zeros((1, 3)), gamma=np.ones(2))
    with pytest.raises(ValueError, match=r"beta has shape \(3, 1\), expected \(3,\)"):
        pc.layer_norm_forward(np.zeros((1, 3)), beta=np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"weight \(shape \(3,\)\) contains 1 non-finite"):
        pc.rms_norm_forward(np.zeros((1, 3)), weight=[1.0, np.nan, 1.0])


def test_backward_bad_dout(rng):
    _, cache = pc.layer_norm_forward(rng.normal(size=(2, 4)))
    with pytest.raises(ValueError, match=r"dout has shape \(4,\), expected \(2, 4\)"):
        pc.layer_norm_backward(np.zeros(4), cache)
    _, cache = pc.rms_norm_forward(rng.normal(size=(2, 4)))
    with pytest.raises(ValueError, match=r"dout has shape \(4,\), expected \(2, 4\)"):
        pc.rms_norm_backward(np.zeros(4), cache)


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 6)])
def test_layer_norm_finite_differences(rng, gradcheck, shape):
    d = shape[-1]
    x = rng.normal(size=shape)
    gamma, beta = rng.normal(size=d), rng.normal(size=d)
    G = rng.normal(size=shape)
    y, cache = pc.layer_norm_forward(x, gamma, beta)
    dx, grads = pc.layer_norm_backward(G, cache)
    assert sorted(grads) == ["beta", "gamma"]

    def loss():
        return float(np.sum(pc.layer_norm(x, gamma, beta) * G))

    gradcheck(loss, x, dx, "dx (layer_norm)")
    gradcheck(loss, gamma, grads["gamma"], "dgamma")
    gradcheck(loss, beta, grads["beta"], "dbeta")


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 6)])
def test_rms_norm_finite_differences(rng, gradcheck, shape):
    x = rng.normal(size=shape)
    weight = rng.normal(size=shape[-1])
    G = rng.normal(size=shape)
    y, cache = pc.rms_norm_forward(x, weight)
    dx, grads = pc.rms_norm_backward(G, cache)

    def loss():
        return float(np.sum(pc.rms_norm(x, weight) * G))

    gradcheck(loss, x, dx, "dx (rms_norm)")
    gradcheck(loss, weight, grads["weight"], "dweight")


def test_without_affine_parameters(rng, gradcheck):
    x = rng.normal(size=(3, 5))
    G = rng.normal(size=(3, 5))
    _, cache = pc.layer_norm_forward(x)
    dx, grads = pc.layer_norm_backward(G, cache)
    assert grads == {}
    gradcheck(lambda: float(np.sum(pc.layer_norm(x) * G)), x, dx, "dx (no gamma/beta)")
    _, cache = pc.rms_norm_forward(x)
    dx, grads = pc.rms_norm_backward(G, cache)
    assert grads == {}
    gradcheck(lambda: float(np.sum(pc.rms_norm(x) * G)), x, dx, "dx (rms, no weight)")


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_torch_parity(rng, dtype, tol):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = (rng.normal(size=(2, 5, 8)) * 3 + 1).astype(dtype)
    gamma, beta = rng.normal(size=8).astype(dtype), rng.normal(size=8).astype(dtype)
    tx, tg, tb = torch.tensor(x), torch.tensor(gamma), torch.tensor(beta)
    np.testing.assert_allclose(pc.layer_norm(x, gamma, beta, eps=1e-5),
                               F.layer_norm(tx, (8,), tg, tb, eps=1e-5).numpy(),
                               rtol=tol, atol=tol, err_msg="layer_norm vs torch")
    np.testing.assert_allclose(pc.rms_norm(x, gamma, eps=1e-6),
                               F.rms_norm(tx, (8,), tg, eps=1e-6).numpy(),
                               rtol=tol, atol=tol, err_msg="rms_norm vs torch")


def test_backward_torch_autograd(rng):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = rng.normal(size=(3, 4, 6))
    gamma, beta = rng.normal(size=6), rng.normal(size=6)
    G = rng.normal(size=(3, 4, 6))
    tx, tg, tb = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    (F.layer_norm(tx, (6,), tg, tb, eps=1e-5) * torch.tensor(G)).sum().backward()
    dx, grads = pc.layer_norm_backward(G, pc.layer_norm_forward(x, gamma, beta)[1])
    for name, ours, t in (("dx", dx, tx), ("dgamma", grads["gamma"], tg),
                          ("dbeta", grads["beta"], tb)):
        np.testing.assert_allclose(ours, t.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"layer_norm {name} vs torch")
    tx, tw = (torch.tensor(a, requires_grad=True) for a in (x, gamma))
    (F.rms_norm(tx, (6,), tw, eps=1e-6) * torch.tensor(G)).sum().backward()
    dx, grads = pc.rms_norm_backward(G, pc.rms_norm_forward(x, gamma)[1])
    for name, ours, t in (("dx", dx, tx), ("dweight", grads["weight"], tw)):
        np.testing.assert_allclose(ours, t.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"rms_norm {name} vs torch")
