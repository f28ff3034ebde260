"""Tests for pycore.feed_forward: ReLU/GELU MLP and SwiGLU, backward, PyTorch parity, errors."""

from __future__ import annotations

import numpy as np
import pytest

import pycore as pc

D_MODEL, D_FF = 4, 6


def make_params(rng, activation, dtype=np.float64):
    if activation == "swiglu":
        shapes = {"W_gate": (D_MODEL, D_FF), "W_up": (D_MODEL, D_FF), "W_down": (D_FF, D_MODEL)}
    else:
        shapes = {"W1": (D_MODEL, D_FF), "b1": (D_FF,), "W2": (D_FF, D_MODEL), "b2": (D_MODEL,)}
    return {n: rng.normal(scale=0.7, size=s).astype(dtype) for n, s in shapes.items()}


def test_matches_direct_formula(rng):
    x = rng.normal(size=(2, 3, D_MODEL))
    p = make_params(rng, "relu")
    expected = np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]
    np.testing.assert_allclose(pc.feed_forward(x, p, "relu"), expected, rtol=1e-14, atol=1e-14,
                               err_msg="relu FFN")
    p = make_params(rng, "swiglu")
    gate = x @ p["W_gate"]
    expected = (gate / (1 + np.exp(-gate)) * (x @ p["W_up"])) @ p["W_down"]
    np.testing.assert_allclose(pc.feed_forward(x, p, "swiglu"), expected, rtol=1e-13,
                               atol=1e-14, err_msg="SwiGLU FFN")


@pytest.mark.parametrize("activation", ["relu", "gelu", "swiglu"])
def test_dtype(rng, activation):
    x = rng.normal(size=(2, D_MODEL)).astype(np.float32)
    p = make_params(rng, activation, np.float32)
    out, cache = pc.feed_forward_forward(x, p, activation)
    assert out.dtype == np.float32
    dx, grads = pc.feed_forward_backward(np.ones_like(out), cache)
    assert dx.dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values())
    first = next(iter(p))
    p64 = dict(p)
    p64[first] = p[first].astype(np.float64)  # one float64 parameter promotes the result
    assert pc.feed_forward(x, p64, activation).dtype == np.float64


def test_bad_inputs(rng):
    x = rng.normal(size=(2, D_MODEL))
    p = make_params(rng, "gelu")
    with pytest.raises(ValueError, match="activation must be one of 'relu', 'gelu', 'swiglu'; "
                                         "got 'tanh'"):
        pc.feed_forward(x, p, "tanh")
    with pytest.raises(ValueError, match=r"missing \['W_gate', 'W_up', 'W_down'\]"):
        pc.feed_forward(x, p, "swiglu")
    with pytest.raises(ValueError, match=r"params\['b1'\] has shape \(5,\), expected \(6,\)"):
        pc.feed_forward(x, dict(p, b1=np.zeros(5)), "gelu")
    with pytest.raises(ValueError, match=r"params\['W1'\] has shape \(3, 6\), expected \(4, 6\)"):
        pc.feed_forward(x, dict(p, W1=np.zeros((3, 6))), "gelu")
    with pytest.raises(ValueError, match=r"x has shape \(\) \(0 dims\), expected at least 1"):
        pc.feed_forward_forward(np.float64(1.0), p, "gelu")
    with pytest.raises(TypeError, match="params must be a dict"):
        pc.feed_forward(x, [1, 2], "gelu")
    with pytest.raises(ValueError, match="gelu_approximate must be one of"):
        pc.feed_forward(x, p, "gelu", gelu_approximate="exact")
    _, cache = pc.feed_forward_forward(x, p, "gelu")
    with pytest.raises(ValueError, match=r"dout has shape \(4,\), expected \(2, 4\)"):
        pc.feed_forward_backward(np.zeros(4), cache)


@pytest.mark.parametrize("activation,approx", [("relu", "tanh"), ("gelu", "tanh"),
                                               ("gelu", "none"), ("swiglu", "tanh")])
def test_backward_finite_differences(rng, gradcheck, activation, approx):
    x = rng.normal(size=(2, 3, D_MODEL))
    p = make_params(rng, activation)
    G = rng.normal(size=(2, 3, D_MODEL))
    out, cache = pc.feed_forward_forward(x, p, activation, gelu_approximate=approx)
    dx, grads = pc.feed_forward_backward(G, cache)
    assert list(grads) == list(pc.FFN_PARAM_NAMES[activation])

    def loss():
        return float(np.sum(pc.feed_forward(x, p, activation, gelu_approximate=approx) * G))

    gradcheck(loss, x, dx, f"dx ({activation})")
    for name in p:
        gradcheck(loss, p[name], grads[name], f"d{name} ({activation})")


@pytest.mark.parametrize("activation", ["relu", "gelu", "swiglu"])
def test_torch_parity_and_autograd(rng, activation):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = rng.normal(size=(2, 5, D_MODEL))
    p = make_params(rng, activation)
    G = rng.normal(size=(2, 5, D_MODEL))
    tx = torch.tensor(x, requires_grad=True)
    tp = {n: torch.tensor(a, requires_grad=True) for n, a in p.items()}
    if activation == "swiglu":
        ref = (F.silu(tx @ tp["W_gate"]) * (tx @ tp["W_up"])) @ tp["W_down"]
    else:
        act = F.relu if activation == "relu" else (lambda t: F.gelu(t, approximate="tanh"))
        # torch.nn.Linear stores weight as (d_out, d_in): F.linear(x, W.T) == x @ W
        ref = F.linear(act(F.linear(tx, tp["W1"].T, tp["b1"])), tp["W2"].T, tp["b2"])
    (ref * torch.tensor(G)).sum().backward()
    out, cache = pc.feed_forward_forward(x, p, activation)
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-10, atol=1e-12,
                               err_msg=f"out ({activation}) vs torch")
    dx, grads = pc.feed_forward_backward(G, cache)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-12,
                               err_msg=f"dx ({activation}) vs torch")
    for name in p:
        np.testing.assert_allclose(grads[name], tp[name].grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"d{name} ({activation}) vs torch")
