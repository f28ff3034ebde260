"""pycore_torch.multi_head_attention equals pycore's: GQA/MQA, RoPE, ALiBi, causal or not,
incremental decoding through a KV cache, written out and through the fused kernel. (Cross-
attention with a padding mask is checked against torch.nn.MultiheadAttention in
tests/pycore/test_multi_head.py: the torch model is decoder-only.)"""

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


def _torch_options(options, positions):
    """pycore's keyword options as pycore_torch's (RoPE takes the positions)."""
    out = dict(options)
    if out.pop("rope", False):
        out["rope_positions"] = positions
    return out


@pytest.mark.parametrize("h_kv", [4, 2, 1])
@pytest.mark.parametrize("options", [dict(causal=True), dict(causal=True, rope=True),
                                     dict(causal=True, alibi=True), dict(causal=False)])
def test_self_attention_matches_pycore(h_kv, options, device, dtypes):
    np_dtype, _, tol = dtypes
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 6, D_MODEL)).astype(np_dtype)
    params = _params(h_kv, rng, np_dtype)
    tparams = {n: to_torch(a, device) for n, a in params.items()}
    expected = pc.multi_head_attention(x, params, H, n_kv_heads=h_kv, **options)
    kw = _torch_options(options, torch.arange(6, device=device))
    for fused in (False, True):
        got = pt.multi_head_attention(to_torch(x, device), tparams, H, h_kv, fused=fused, **kw)
        assert_matches(got, expected, tol, f"multi_head_attention (fused={fused})")


@pytest.mark.parametrize("options", [dict(rope=True), dict(alibi=True), dict()])
@pytest.mark.parametrize("fused", [False, True])
def test_kv_cache_decoding_matches_pycore(options, fused, device, dtypes):
    np_dtype, _, tol = dtypes
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 7, D_MODEL)).astype(np_dtype)
    params = _params(2, rng, np_dtype)
    tparams = {n: to_torch(a, device) for n, a in params.items()}
    full = pc.multi_head_attention(x, params, H, n_kv_heads=2, causal=True, **options)
    cache = pt.LayerKVCache(initial_capacity=2)  # small: exercises the buffer growth
    pieces = [pt.multi_head_attention(to_torch(x[:, a:b], device), tparams, H, 2, causal=True,
                                      cache=cache, fused=fused,
                                      **_torch_options(options, torch.arange(a, b, device=device)))
              for a, b in ((0, 3), (3, 4), (4, 7))]
    assert cache.length == 7
    assert_matches(torch.cat(pieces, dim=1), full, tol, "cached multi_head_attention")


def test_cache_rejects_another_batch_or_head_size():
    cache = pt.LayerKVCache(initial_capacity=4)
    cache.append(torch.zeros(2, 2, 3, 4), torch.zeros(2, 2, 3, 4))
    wrong_batch = r"k_new has shape \(1, 2, 1, 4\), expected \(2, 2, T_new, 4\)"
    with pytest.raises(ValueError, match=wrong_batch):
        cache.append(torch.zeros(1, 2, 1, 4), torch.zeros(1, 2, 1, 4))
    with pytest.raises(ValueError, match="v_new has shape"):
        cache.append(torch.zeros(2, 2, 1, 4), torch.zeros(2, 2, 1, 5))
    assert cache.length == 3
