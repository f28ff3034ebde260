"""Multi-head self- and cross-attention with GQA, RoPE, ALiBi and a KV cache (mirrors
``pycore.multi_head``).

MultiHead(x) = Concat(head_1..head_h) W_o, head_i = Attention(x W_q^i, s W_k^i, s W_v^i)
(Vaswani et al. 2017, section 3.2.2); s = x (self) or the encoder output (cross, 3.2.3).
Grouped-query attention (Ainslie et al. 2023): query head i uses key/value head
i // (h / h_kv) (``repeat_interleave``, pycore's ``np.repeat``). RoPE (Su et al. 2021) rotates
new keys before they are cached; ALiBi (Press et al. 2022) biases the scores.

``fused=True`` sends the attention itself through ``torch.nn.functional.
scaled_dot_product_attention`` (FlashAttention-style kernels); the default writes it out, as
pycore does, so it can also return the weights.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ._checks import as_float_tensor, check_keys, check_ndim, check_positive_int, common_dtype
from .attention import scaled_dot_product_attention
from .heads import merge_heads, split_heads
from .masks import causal_mask
from .positions import alibi_bias, apply_rope

__all__ = ["multi_head_attention", "ATTENTION_PARAM_NAMES"]

ATTENTION_PARAM_NAMES = ("W_q", "W_k", "W_v", "W_o", "b_q", "b_k", "b_v", "b_o")


def _check_params(x, params, n_heads, n_kv_heads):
    check_keys(params, "params", ATTENTION_PARAM_NAMES)
    d_model = x.shape[-1]
    p = {n: as_float_tensor(params[n], f"params[{n!r}]", dtype=x.dtype, device=x.device)
         for n in ATTENTION_PARAM_NAMES}
    check_ndim(p["W_q"], "params['W_q']", ndim=2, expected="(d_model, h * d_head)")
    q_width = p["W_q"].shape[1]
    if q_width % n_heads:
        raise ValueError(f"params['W_q'] has shape {tuple(p['W_q'].shape)}: its width {q_width} "
                         f"is not divisible by n_heads={n_heads}")
    d_head = q_width // n_heads
    kv_width = n_kv_heads * d_head
    expected = {"W_q": (d_model, q_width), "W_k": (d_model, kv_width),
                "W_v": (d_model, kv_width), "W_o": (q_width, d_model), "b_q": (q_width,),
                "b_k": (kv_width,), "b_v": (kv_width,), "b_o": (d_model,)}
    for n, shape in expected.items():
        if tuple(p[n].shape) != shape:
            raise ValueError(f"params[{n!r}] has shape {tuple(p[n].shape)}, expected {shape} "
                             f"(d_model={d_model}, h={n_heads}, h_kv={n_kv_heads}, "
                             f"d_head={d_head})")
    return p


def multi_head_attention(x, params, n_heads, *, n_kv_heads=None, mask=None, kv=None,
                         positions=None, cache=None, causal=False, rope=False,
                         rope_base=10000.0, alibi=False, return_weights=False, fused=False):
    """Multi-head attention.

    Parameters
    ----------
    x : tensor of shape (B, T, d_model)
    params : dict of tensors
        W_q (d_model, h d_head), W_k, W_v (d_model, h_kv d_head), W_o (h d_head, d_model),
        b_q (h d_head,), b_k, b_v (h_kv d_head,), b_o (d_model,).
    n_heads : int
        h.
    n_kv_heads : int, optional
        h_kv (default h); must divide h.
    mask : bool tensor broadcastable to (B, h, T, S), optional
        True = may attend; combined with ``causal``.
    kv : tensor of shape (B, S, d_model), optional
        Cross-attention source.
    positions : int tensor of shape (T,), optional
        Absolute positions for RoPE (default: cache length + 0 .. T-1).
    cache : LayerKVCache, optional
        Self-attention: new keys/values are appended. Cross: filled once, then reused.
    causal, rope, alibi : bool
    rope_base : float
    return_weights : bool
        Also return the (B, h, T, S) weights (not with ``fused``).
    fused : bool
        Use torch's fused attention kernel.

    Returns
    -------
    out : tensor of shape (B, T, d_model), or ``(out, weights)``.
    """
    dtype = common_dtype(x, *(params[n] for n in ATTENTION_PARAM_NAMES if n in params))
    x = as_float_tensor(x, "x", dtype=dtype)
    check_ndim(x, "x", ndim=3, expected="(B, T, d_model)")
    B, T, d_model = x.shape
    n_heads = check_positive_int(n_heads, "n_heads")
    n_kv_heads = n_heads if n_kv_heads is None else check_positive_int(n_kv_heads, "n_kv_heads")
    if n_heads % n_kv_heads:
        raise ValueError(f"n_heads={n_heads} is not divisible by n_kv_heads={n_kv_heads}")
    if fused and return_weights:
        raise ValueError("fused=True never forms the attention weights; use fused=False")
    p = _check_params(x, params, n_heads, n_kv_heads)
    cross = kv is not None
    if cross:
        if rope:
            raise ValueError("rope=True applies to self-attention only")
        kv = as_float_tensor(kv, "kv", dtype=x.dtype, device=x.device)
        check_ndim(kv, "kv", ndim=3, expected="(B, S, d_model)")
        if kv.shape[0] != B or kv.shape[2] != d_model:
            raise ValueError(f"kv has shape {tuple(kv.shape)}, expected ({B}, S, {d_model})")
    source = kv if cross else x  # (B, S, d_model)
    past = cache.length if (cache is not None and not cross) else 0
    if positions is None:
        positions = past + torch.arange(T, device=x.device)  # (T,)
    q = split_heads(x @ p["W_q"] + p["b_q"], n_heads)  # (B, h, T, d_head)
    if cross and cache is not None and cache.length > 0:
        k, v = cache.keys, cache.values  # memory projected on the first step
    else:
        k = split_heads(source @ p["W_k"] + p["b_k"], n_kv_heads)  # (B, h_kv, S_new, d_head)
        v = split_heads(source @ p["W_v"] + p["b_v"], n_kv_heads)  # (B, h_kv, S_new, d_head)
        if rope:
            k = apply_rope(k, positions, rope_base)
        if cache is not None:
            k, v = cache.append(k, v)  # (B, h_kv, S, d_head)
    if rope:
        q = apply_rope(q, positions, rope_base)
    S = k.shape[2]
    group = n_heads // n_kv_heads
    if group > 1:
        k = k.repeat_interleave(group, dim=1)  # (B, h, S, d_head)
        v = v.repeat_interleave(group, dim=1)
    plain_causal = causal and mask is None and not alibi and T == S  # FlashAttention's case
    if causal:
        c = causal_mask(T, S, device=x.device)  # (T, S)
        mask = c if mask is None else torch.logical_and(mask.to(x.device), c)
    bias = alibi_bias(n_heads, T, S, device=x.device, dtype=x.dtype) if alibi else None
    weights = None
    if fused and plain_causal:
        heads = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, h, T, d_head)
    elif fused:
        attn_mask = mask
        if bias is not None:  # one additive float mask carries both ALiBi and the blocking
            attn_mask = bias if mask is None else bias.masked_fill(~mask, float("-inf"))
        heads = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)  # (B, h, T, d_head)
    elif return_weights:
        heads, weights = scaled_dot_product_attention(q, k, v, mask, bias=bias,
                                                      return_weights=True)
    else:
        heads = scaled_dot_product_attention(q, k, v, mask, bias=bias)  # (B, h, T, d_head)
    out = merge_heads(heads) @ p["W_o"] + p["b_o"]  # (B, T, d_model)
    return (out, weights) if return_weights else out
