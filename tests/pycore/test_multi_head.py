"""Tests for pycore.multi_head: backward by finite differences, PyTorch parity, GQA, cache."""

from __future__ import annotations

import numpy as np
import pytest

import pycore as pc


def random_attention_params(rng, d_model, n_heads, n_kv_heads, d_head, scale=0.5):
    q, kv = n_heads * d_head, n_kv_heads * d_head
    shapes = {"W_q": (d_model, q), "W_k": (d_model, kv), "W_v": (d_model, kv),
              "W_o": (q, d_model), "b_q": (q,), "b_k": (kv,), "b_v": (kv,), "b_o": (d_model,)}
    return {n: scale * rng.standard_normal(s) for n, s in shapes.items()}


CASES = {
    "plain": dict(n_heads=2, n_kv_heads=None),
    "causal": dict(n_heads=2, n_kv_heads=None, causal=True),
    "gqa": dict(n_heads=4, n_kv_heads=2, causal=True),
    "mqa": dict(n_heads=4, n_kv_heads=1),
    "rope": dict(n_heads=2, n_kv_heads=1, causal=True, rope=True),
    "alibi": dict(n_heads=4, n_kv_heads=2, causal=True, alibi=True),
    "padding": dict(n_heads=2, n_kv_heads=None, mask="padding"),
}


def _kwargs(case, B, T):
    kw = dict(CASES[case])
    if kw.pop("mask", None) == "padding":
        kw["mask"] = pc.padding_mask(np.array([T, T - 2][:B]), T)
    return kw


@pytest.mark.parametrize("case", sorted(CASES))
def test_self_attention_backward_finite_differences(rng, gradcheck, case):
    B, T, d_model, d_head = 2, 4, 6, 2
    kw = _kwargs(case, B, T)
    h, h_kv = kw["n_heads"], kw["n_kv_heads"] or kw["n_heads"]
    params = random_attention_params(rng, d_model, h, h_kv, d_head)
    x = rng.standard_normal((B, T, d_model))
    G = rng.standard_normal((B, T, d_model))  # upstream gradient: loss = sum(out * G)
    n_heads = kw.pop("n_heads")
    out, cache = pc.multi_head_attention_forward(x, params, n_heads, **kw)
    dx, grads = pc.multi_head_attention_backward(G, cache)

    def loss():
        return np.sum(pc.multi_head_attention(x, params, n_heads, **kw) * G)

    gradcheck(loss, x, dx, f"{case}: dx")
    for name in params:
        if case != "rope" and name == "b_k":
            # Adding a constant to every key shifts each query's scores equally: softmax is
            # invariant, so the true gradient is exactly 0 (no relative error to measure).
            np.testing.assert_allclose(grads[name], 0, atol=1e-12, err_msg=f"{case}: db_k")
            continue
        gradcheck(loss, params[name], grads[name], f"{case}: d{name}")


def test_cross_attention_backward_finite_differences(rng, gradcheck):
    B, T, S, d_model = 2, 3, 5, 4
    params = random_attention_params(rng, d_model, 2, 1, 2)
    x, memory = rng.standard_normal((B, T, d_model)), rng.standard_normal((B, S, d_model))
    mask = pc.padding_mask(np.array([5, 3]), S)
    G = rng.standard_normal((B, T, d_model))
    kw = dict(n_kv_heads=1, kv=memory, mask=mask)
    _, saved = pc.cross_attention_forward(x, memory, params, 2, n_kv_heads=1, mask=mask)
    dx, dmemory, grads = pc.cross_attention_backward(G, saved)

    def loss():
        return np.sum(pc.multi_head_attention(x, params, 2, **kw) * G)

    gradcheck(loss, x, dx, "cross: dx")
    gradcheck(loss, memory, dmemory, "cross: dmemory")
    np.testing.assert_array_equal(dmemory[1, 3:], 0, err_msg="padding keys get no gradient")
    for name in ("W_q", "W_k", "W_v", "W_o", "b_v"):
        gradcheck(loss, params[name], grads[name], f"cross: d{name}")


def test_weights_are_distributions(rng):
    params = random_attention_params(rng, 8, 4, 2, 2)
    x = rng.standard_normal((2, 5, 8))
    out, w = pc.multi_head_attention(x, params, 4, n_kv_heads=2, causal=True,
                                     return_weights=True)
    assert out.shape == (2, 5, 8) and w.shape == (2, 4, 5, 5)
    np.testing.assert_allclose(w.sum(-1), 1.0, rtol=1e-13, err_msg="row sums")
    assert np.all(w[..., np.triu_indices(5, 1)[0], np.triu_indices(5, 1)[1]] == 0)


def test_gqa_equals_mha_with_repeated_kv_heads(rng):
    """GQA is MHA whose K/V projections repeat each shared head for its group of queries."""
    d_model, d_head, h, h_kv = 8, 2, 4, 2
    gqa = random_attention_params(rng, d_model, h, h_kv, d_head)
    mha = dict(gqa)
    for n in ("W_k", "W_v"):
        heads = gqa[n].reshape(d_model, h_kv, d_head)
        mha[n] = np.repeat(heads, h // h_kv, axis=1).reshape(d_model, h * d_head)
    for n in ("b_k", "b_v"):
        mha[n] = np.repeat(gqa[n].reshape(h_kv, d_head), h // h_kv, axis=0).reshape(-1)
    x = rng.standard_normal((2, 5, d_model))
    np.testing.assert_allclose(pc.multi_head_attention(x, gqa, h, n_kv_heads=h_kv, rope=True),
                               pc.multi_head_attention(x, mha, h, rope=True), rtol=1e-13,
                               atol=1e-14, err_msg="GQA vs repeated-head MHA")


@pytest.mark.parametrize("case", ["causal", "gqa", "rope", "alibi"])
def test_cached_equals_uncached(rng, case):
    kw = _kwargs(case, 2, 7)
    n_heads = kw.pop("n_heads")
    params = random_attention_params(rng, 8, n_heads, kw["n_kv_heads"] or n_heads, 8 // n_heads)
    x = rng.standard_normal((2, 7, 8))
    full = pc.multi_head_attention(x, params, n_heads, **kw)
    cache = pc.LayerKVCache()
    pieces = [pc.multi_head_attention(x[:, a:b], params, n_heads, cache=cache, **kw)
              for a, b in [(0, 3), (3, 4), (4, 7)]]
    np.testing.assert_allclose(np.concatenate(pieces, axis=1), full, rtol=1e-12, atol=1e-13,
                               err_msg=f"{case}: cached vs full")
    assert cache.length == 7


def test_cross_attention_cache_projects_memory_once(rng):
    params = random_attention_params(rng, 4, 2, 2, 2)
    x, memory = rng.standard_normal((1, 3, 4)), rng.standard_normal((1, 5, 4))
    full = pc.multi_head_attention(x, params, 2, kv=memory)
    cache = pc.LayerKVCache()
    steps = [pc.multi_head_attention(x[:, t:t + 1], params, 2, kv=memory, cache=cache)
             for t in range(3)]
    np.testing.assert_allclose(np.concatenate(steps, axis=1), full, rtol=1e-13,
                               err_msg="cross-attention with cache")
    assert cache.length == 5  # the memory's 5 positions, stored once


def test_bad_inputs(rng):
    params = random_attention_params(rng, 4, 2, 2, 2)
    x = rng.standard_normal((1, 3, 4))
    with pytest.raises(ValueError, match=r"x has shape \(3, 4\).*expected 3 dims"):
        pc.multi_head_attention(x[0], params, 2)
    with pytest.raises(ValueError, match="missing \\['b_o'\\]"):
        pc.multi_head_attention(x, {k: v for k, v in params.items() if k != "b_o"}, 2)
    with pytest.raises(ValueError, match=r"params\['W_q'\] has shape \(4, 4\), expected \(5, 4\)"):
        pc.multi_head_attention(rng.standard_normal((1, 3, 5)), params, 2)
    with pytest.raises(ValueError, match="not divisible by n_heads=3"):
        pc.multi_head_attention(x, params, 3)
    with pytest.raises(ValueError, match="n_heads=2 is not divisible by n_kv_heads=3"):
        pc.multi_head_attention(x, params, 2, n_kv_heads=3)
    with pytest.raises(ValueError, match=r"params\['W_k'\] has shape \(4, 4\), expected \(4, 2\)"):
        pc.multi_head_attention(x, params, 2, n_kv_heads=1)
    with pytest.raises(ValueError, match=r"kv has shape \(2, 5, 4\), expected \(1, S, 4\)"):
        pc.multi_head_attention(x, params, 2, kv=rng.standard_normal((2, 5, 4)))
    with pytest.raises(ValueError, match="rope=True applies to self-attention only"):
        pc.multi_head_attention(x, params, 2, kv=x, rope=True)
    with pytest.raises(ValueError, match="non-finite"):
        pc.multi_head_attention(np.full((1, 3, 4), np.nan), params, 2)
    _, cache = pc.multi_head_attention_forward(x, params, 2, cache=pc.LayerKVCache())
    with pytest.raises(ValueError, match="used a KV cache"):
        pc.multi_head_attention_backward(np.ones((1, 3, 4)), cache)
    _, cache = pc.multi_head_attention_forward(x, params, 2)
    with pytest.raises(ValueError, match=r"dout has shape \(1, 2, 4\), expected \(1, 3, 4\)"):
        pc.multi_head_attention_backward(np.ones((1, 2, 4)), cache)
    with pytest.raises(ValueError, match="differentiate it with multi_head_attention_backward"):
        pc.cross_attention_backward(np.ones((1, 3, 4)), cache)
    _, saved = pc.cross_attention_forward(x, x, params, 2)
    with pytest.raises(ValueError, match="differentiate it with cross_attention_backward"):
        pc.multi_head_attention_backward(np.ones((1, 3, 4)), saved)


# ---------------------------------------------------------------- PyTorch parity

def _torch_params(torch, params):
    return {k: torch.tensor(v) for k, v in params.items()}


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
@pytest.mark.parametrize("mode", ["self", "causal", "cross-padding"])
def test_torch_multihead_attention_module(rng, dtype, tol, mode):
    torch = pytest.importorskip("torch")
    B, T, d_model, h = 2, 5, 8, 2
    params = random_attention_params(rng, d_model, h, h, 4)
    params = {k: v.astype(dtype) for k, v in params.items()}
    x = rng.standard_normal((B, T, d_model)).astype(dtype)
    cross = mode == "cross-padding"  # keys and values from a (B, S, d_model) memory, padded
    memory = rng.standard_normal((B, 7, d_model)).astype(dtype) if cross else x
    S = memory.shape[1]
    keep = pc.padding_mask(np.array([S, 3]), S) if cross else None  # (B, 1, 1, S), True = keep
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    module = torch.nn.MultiheadAttention(d_model, h, batch_first=True, dtype=tdtype)
    with torch.no_grad():  # torch stores (d_out, d_in): transpose ours
        module.in_proj_weight.copy_(torch.tensor(np.concatenate(
            [params["W_q"].T, params["W_k"].T, params["W_v"].T])))
        module.in_proj_bias.copy_(torch.tensor(np.concatenate(
            [params["b_q"], params["b_k"], params["b_v"]])))
        module.out_proj.weight.copy_(torch.tensor(params["W_o"].T))
        module.out_proj.bias.copy_(torch.tensor(params["b_o"]))
    xt, mt = torch.tensor(x), torch.tensor(memory)
    blocked = torch.ones(T, T).triu(1).bool() if mode == "causal" else None  # True = blocked
    padded = torch.tensor(~keep[:, 0, 0, :]) if cross else None  # (B, S), True = ignored
    ref, ref_w = module(xt, mt, mt, attn_mask=blocked, key_padding_mask=padded,
                        average_attn_weights=False)
    options = dict(kv=memory, mask=keep) if cross else dict(causal=mode == "causal")
    out, w = pc.multi_head_attention(x, params, h, return_weights=True, **options)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=tol, atol=tol, err_msg="out")
    np.testing.assert_allclose(w, ref_w.detach().numpy(), rtol=tol, atol=tol, err_msg="weights")


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
@pytest.mark.parametrize("case", ["gqa", "mqa", "rope", "alibi"])
def test_torch_parity_with_gradients(rng, dtype, tol, case):
    torch = pytest.importorskip("torch")
    kw = dict(CASES[case])
    h = kw.pop("n_heads")
    h_kv = kw.pop("n_kv_heads") or h
    params = random_attention_params(rng, 8, h, h_kv, 8 // h)
    params = {k: v.astype(dtype) for k, v in params.items()}
    x = rng.standard_normal((2, 6, 8)).astype(dtype)
    G = rng.standard_normal((2, 6, 8)).astype(dtype)
    tp = {k: v.requires_grad_() for k, v in _torch_params(torch, params).items()}
    xt = torch.tensor(x, requires_grad=True)
    # The gold reference: pycore_torch's attention, on torch.nn.functional.
    import pycore_torch as pt  # this repository's own package: a failing import fails
    rope = torch.arange(6) if kw.get("rope") else None
    ref = pt.multi_head_attention(xt, tp, h, h_kv, causal=kw.get("causal", False),
                                  rope_positions=rope, alibi=kw.get("alibi", False))
    (ref * torch.tensor(G)).sum().backward()
    out, cache = pc.multi_head_attention_forward(x, params, h, n_kv_heads=h_kv, **kw)
    dx, grads = pc.multi_head_attention_backward(G, cache)
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=tol, atol=tol, err_msg="out")
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=tol, atol=tol, err_msg="dx")
    for name in params:
        np.testing.assert_allclose(grads[name], tp[name].grad.numpy(), rtol=tol, atol=tol,
                                   err_msg=f"d{name}")
