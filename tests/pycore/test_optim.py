"""Tests for pycore.optim: AdamW (by hand and against torch.optim.AdamW), schedule, clipping."""

from __future__ import annotations

import math

import numpy as np
import pytest

import pycore as pc


def test_one_step_by_hand():
    p = {"w": np.array([1.0, -2.0])}
    g = {"w": np.array([0.5, 0.25])}
    opt = pc.AdamW(p, lr=0.1, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.1)
    opt.step(g)
    # Step 1: m_hat = g, v_hat = g^2, so the update is lr * g / (|g| + eps) = lr * sign(g),
    # after the decoupled decay p * (1 - lr * wd).
    expected = np.array([1.0, -2.0]) * (1 - 0.1 * 0.1) - 0.1 * np.array([0.5, 0.25]) / (
        np.array([0.5, 0.25]) + 1e-8)
    np.testing.assert_allclose(p["w"], expected, rtol=1e-15, err_msg="w after one step")


def test_updates_nested_params_in_place():
    c = pc.TransformerConfig(vocab_size=5, d_model=4, n_heads=2, n_layers=1, d_ff=4, max_len=3)
    params = pc.init_params(c)
    w = params["layers"][0]["attn"]["W_q"]
    before = w.copy()
    grads = {k: np.ones_like(v) for k, v in pc.flatten_params(params).items()}
    pc.AdamW(params, lr=0.01).step(pc.unflatten_params(grads, pc.parameter_shapes(c)))
    assert params["layers"][0]["attn"]["W_q"] is w
    np.testing.assert_allclose(w, before * (1 - 0.01 * 0.01) - 0.01, rtol=1e-6, atol=1e-12,
                               err_msg="W_q")


def test_no_decay_filter():
    p = {"w": np.ones(2), "b": np.ones(2)}
    pc.AdamW(p, lr=0.1, weight_decay=0.5, no_decay=lambda n: n == "b").step(
        {"w": np.zeros(2), "b": np.zeros(2)})
    np.testing.assert_allclose(p["w"], 0.95, rtol=1e-15, err_msg="decayed w")
    np.testing.assert_allclose(p["b"], 1.0, rtol=1e-15, err_msg="exempt b")


@pytest.mark.parametrize("n_steps", [1, 100])
@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_torch_adamw_parity(rng, n_steps, dtype, tol):
    torch = pytest.importorskip("torch")
    init = {"W": rng.standard_normal((3, 4)).astype(dtype),
            "b": rng.standard_normal(4).astype(dtype)}
    grads = [{k: rng.standard_normal(v.shape).astype(dtype) for k, v in init.items()}
             for _ in range(n_steps)]
    lrs = [1e-2 * (1 + i % 3) for i in range(n_steps)]  # a varying lr, as a schedule gives
    ours = {k: v.copy() for k, v in init.items()}
    opt = pc.AdamW(ours, lr=1e-2, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
    theirs = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in init.items()}
    t_opt = torch.optim.AdamW(list(theirs.values()), lr=1e-2, betas=(0.9, 0.95), eps=1e-8,
                              weight_decay=0.1)
    for g, lr in zip(grads, lrs):
        opt.step(g, lr=lr)
        for group in t_opt.param_groups:
            group["lr"] = lr
        for k, t in theirs.items():
            t.grad = torch.tensor(g[k])
        t_opt.step()
    for k in init:
        np.testing.assert_allclose(ours[k], theirs[k].detach().numpy(), rtol=tol, atol=tol,
                                   err_msg=f"{k} after {n_steps} steps")


def test_adamw_bad_inputs():
    with pytest.raises(ValueError, match="lr must be a finite positive"):
        pc.AdamW({"w": np.ones(2)}, lr=0)
    with pytest.raises(ValueError, match="betas"):
        pc.AdamW({"w": np.ones(2)}, betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="weight_decay"):
        pc.AdamW({"w": np.ones(2)}, weight_decay=-1)
    with pytest.raises(TypeError, match=r"params\['w.0'\] must be a float NumPy array"):
        pc.AdamW({"w": [1.0, 2.0]})
    opt = pc.AdamW({"w": np.ones(2)})
    with pytest.raises(ValueError, match=r"missing \['w'\], unexpected \['v'\]"):
        opt.step({"v": np.ones(2)})
    with pytest.raises(ValueError, match=r"grads\['w'\] has shape \(3,\), expected \(2,\)"):
        opt.step({"w": np.ones(3)})
    with pytest.raises(ValueError, match="NaN or inf"):
        opt.step({"w": np.array([np.nan, 0.0])})


def test_cosine_schedule_shape():
    kw = dict(max_lr=1.0, total_steps=110, warmup_steps=10, min_lr=0.1)
    warm = [pc.cosine_schedule(s, **kw) for s in range(10)]
    np.testing.assert_allclose(warm, np.arange(1, 11) / 10, rtol=1e-15, err_msg="warm-up")
    assert pc.cosine_schedule(10, **kw) == 1.0  # peak right after warm-up
    assert math.isclose(pc.cosine_schedule(60, **kw), 0.55, rel_tol=1e-12)  # halfway: mean
    assert pc.cosine_schedule(110, **kw) == 0.1 and pc.cosine_schedule(500, **kw) == 0.1
    decay = [pc.cosine_schedule(s, **kw) for s in range(10, 111)]
    assert all(a >= b for a, b in zip(decay, decay[1:])), "cosine part must not increase"


def test_cosine_schedule_bad_inputs():
    with pytest.raises(ValueError, match="warmup_steps=20 exceeds total_steps=10"):
        pc.cosine_schedule(0, max_lr=1.0, total_steps=10, warmup_steps=20)
    with pytest.raises(ValueError, match="min_lr"):
        pc.cosine_schedule(0, max_lr=1.0, total_steps=10, min_lr=2.0)
    with pytest.raises(ValueError, match="step"):
        pc.cosine_schedule(-1, max_lr=1.0, total_steps=10)
    with pytest.raises(ValueError, match="max_lr"):
        pc.cosine_schedule(0, max_lr=0.0, total_steps=10)


def test_clip_grad_norm(rng):
    grads = {"a": rng.standard_normal((3, 3)), "b": [rng.standard_normal(4)]}
    norm = math.sqrt(np.sum(grads["a"] ** 2) + np.sum(grads["b"][0] ** 2))
    assert math.isclose(pc.global_norm(grads), norm, rel_tol=1e-14)
    before = pc.clip_grad_norm(grads, max_norm=0.5)
    assert math.isclose(before, norm, rel_tol=1e-14)
    assert math.isclose(pc.global_norm(grads), 0.5, rel_tol=1e-5)
    small = {"a": np.full(2, 0.1)}
    pc.clip_grad_norm(small, max_norm=10.0)
    np.testing.assert_array_equal(small["a"], 0.1, err_msg="a norm below max_norm is untouched")
    with pytest.raises(ValueError, match="max_norm"):
        pc.clip_grad_norm(grads, max_norm=0)
