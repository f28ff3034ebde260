"""pycore_torch.multi_head_attention equals pycore's: GQA/MQA, RoPE, ALiBi, masks, cross-
attention, incremental decoding through a KV cache, and the fused kernel."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_parity import assert_matches, to_torch  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402

D_MODEL, H = 16, 4


def _params(h_kv, rng, np_dtype):
    d_head = D_MODEL // H
    shapes = {"W_q": (D_MODEL, H * d_head), "W_k": (D_MODEL, h_kv * d_head),
              "W_v": (D_MODEL, h_kv * d_head), "W_o": (H * d_head, D_MODEL),
              "b_q": (H * d_head,), "b_k": (h_kv * d_head,), "b_v": (h_kv * d_head,),
              "b_o": (D_MODEL,)}
    return {n: (rng.standard_normal(s) * 0.4).astype(np_dtype) for n, s in shapes.items()}


@pytest.mark.parametrize("h_kv", [4, 2, 1])
@pytest.mark.parametrize("options", [dict(causal=True), dict(causal=True, rope=True),
                                     dict(causal=True, alibi=True), dict(causal=False)])
def test_self_attention_matches_pycore(h_kv, options, device, dtypes):
    np_dtype, _, tol = dtypes
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 6, D_MODEL)).astype(np_dtype)
    params = _params(h_kv, rng, np_dtype)
    tparams = {n: to_torch(a, device) for n, a in params.items()}
    expected, weights = pc.multi_head_attention(x, params, H, n_kv_heads=h_kv,
                                                return_weights=True, **options)
    got, got_w = pt.multi_head_attention(to_torch(x, device), tparams, H, n_kv_heads=h_kv,
                                         return_weights=True, **options)
    assert_matches(got, expected, tol, "multi_head_attention")
    assert_matches(got_w, weights, tol, "attention weights")
    fused = pt.multi_head_attention(to_torch(x, device), tparams, H, n_kv_heads=h_kv,
                                    fused=True, **options)
    assert_matches(fused, expected, tol, "fused multi_head_attention")


@pytest.mark.parametrize("options", [dict(rope=True), dict(alibi=True), dict()])
def test_kv_cache_decoding_matches_pycore(options, device, dtypes):
    np_dtype, _, tol = dtypes
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 7, D_MODEL)).astype(np_dtype)
    params = _params(2, rng, np_dtype)
    tparams = {n: to_torch(a, device) for n, a in params.items()}
    full = pc.multi_head_attention(x, params, H, n_kv_heads=2, causal=True, **options)
    cache = pt.LayerKVCache(initial_capacity=2)  # small: exercises the buffer growth
    pieces = [pt.multi_head_attention(to_torch(x[:, a:b], device), tparams, H, n_kv_heads=2,
                                      causal=True, cache=cache, **options)
              for a, b in ((0, 3), (3, 4), (4, 7))]
    assert cache.length == 7
    assert_matches(torch.cat(pieces, dim=1), full, tol, "cached multi_head_attention")


def test_cross_attention_with_padding_matches_pycore(device, dtypes):
    np_dtype, _, tol = dtypes
    rng = np.random.default_rng(12)
    x = rng.standard_normal((2, 3, D_MODEL)).astype(np_dtype)
    memory = rng.standard_normal((2, 5, D_MODEL)).astype(np_dtype)
    mask = pc.padding_mask(np.array([5, 2]), 5)
    params = _params(H, rng, np_dtype)
    expected = pc.multi_head_attention(x, params, H, kv=memory, mask=mask)
    got = pt.multi_head_attention(to_torch(x, device),
                                  {n: to_torch(a, device) for n, a in params.items()}, H,
                                  kv=to_torch(memory, device), mask=to_torch(mask, device))
    assert_matches(got, expected, tol, "cross-attention")
