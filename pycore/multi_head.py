"""Multi-head attention (self and cross), with grouped-query heads, RoPE, ALiBi and a KV cache.

MultiHead(x) = Concat(head_1, ..., head_h) W_o,  head_i = Attention(x W_q^i, s W_k^i, s W_v^i)
(Vaswani et al. 2017, section 3.2.2), where s = x for self-attention and s = the encoder
output ("memory") for cross-attention (section 3.2.3). The h heads are one matmul with a
(d_model, h d_head) matrix followed by ``split_heads``.

Grouped-query attention (Ainslie et al. 2023, section 2.2): keys and values have only h_kv
heads; query head i uses key/value head i // (h / h_kv) (``np.repeat`` along the head axis,
the same grouping as ``torch.repeat_interleave``). h_kv = 1 is multi-query attention
(Shazeer 2019). Its backward pass sums each group's gradients back into the shared head.

RoPE (Su et al. 2021) rotates queries and keys after projection, at their absolute positions;
ALiBi (Press et al. 2022) adds -slope * distance to the scores. With a cache, the new keys are
rotated before they are stored, so cached keys never need rotating again.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_array,
    as_float_array,
    broadcast_shapes,
    check_cache,
    check_finite_gradients,
    check_finite_result,
    check_keys,
    check_ndim,
    check_positive_float,
    check_positive_int,
)
from .attention import _CACHE_SPEC as _ATTENTION_CACHE_SPEC
from .attention import attention_backward, attention_forward
from .heads import merge_heads, split_heads
from .masks import causal_mask
from .positions import alibi_bias, apply_rope, rope_backward

__all__ = ["multi_head_attention", "multi_head_attention_forward",
           "multi_head_attention_backward", "ATTENTION_PARAM_NAMES"]

ATTENTION_PARAM_NAMES = ("W_q", "W_k", "W_v", "W_o", "b_q", "b_k", "b_v", "b_o")
_CACHE_SPEC = {"x": np.ndarray, "source": np.ndarray, "cross": bool, "params": dict,
               "attn": _ATTENTION_CACHE_SPEC, "merged": np.ndarray, "n_heads": int,
               "n_kv_heads": int, "positions": object, "rope": bool, "rope_base": object,
               "cached": bool}


def _project(x, p, name, source_name):
    """x @ W + b for projection ``name`` ("q", "k", "v" or "o"), refusing a silent overflow."""
    out = x @ p[f"W_{name}"] + p[f"b_{name}"]  # (B, T, width)
    return check_finite_result(out, f"the {name} projection {source_name} @ W_{name} + b_{name}",
                               f"{source_name} or params['W_{name}'] is")


def _check_params(x, params, n_heads, n_kv_heads):
    """Validate the projection shapes against x (B, T, d_model); return (p, d_head)."""
    check_keys(params, "params", ATTENTION_PARAM_NAMES)
    d_model = x.shape[-1]
    p = {n: as_float_array(params[n], f"params[{n!r}]", dtype=x.dtype)
         for n in ATTENTION_PARAM_NAMES}
    check_ndim(p["W_q"], "params['W_q']", ndim=2, expected="(d_model, h * d_head)")
    q_width = p["W_q"].shape[1]
    if q_width % n_heads:
        raise ValueError(f"params['W_q'] has shape {p['W_q'].shape}: its width {q_width} is not "
                         f"divisible by n_heads={n_heads}")
    d_head = q_width // n_heads
    kv_width = n_kv_heads * d_head
    expected = {"W_q": (d_model, q_width), "W_k": (d_model, kv_width),
                "W_v": (d_model, kv_width), "W_o": (q_width, d_model), "b_q": (q_width,),
                "b_k": (kv_width,), "b_v": (kv_width,), "b_o": (d_model,)}
    for n, shape in expected.items():
        if p[n].shape != shape:
            raise ValueError(f"params[{n!r}] has shape {p[n].shape}, expected {shape} "
                             f"(d_model={d_model}, h={n_heads}, h_kv={n_kv_heads}, "
                             f"d_head={d_head})")
    return p, d_head


def multi_head_attention_forward(x, params, n_heads, *, n_kv_heads=None, mask=None, kv=None,
                                 positions=None, cache=None, causal=False, rope=False,
                                 rope_base=10000.0, alibi=False):
    """Multi-head attention, returning the output and a cache for the backward pass.

    Parameters
    ----------
    x : array_like of shape (B, T, d_model), float32 or float64
        The queries' input (the residual stream after the norm).
    params : dict
        ``W_q`` (d_model, h d_head), ``W_k``, ``W_v`` (d_model, h_kv d_head),
        ``W_o`` (h d_head, d_model), ``b_q`` (h d_head,), ``b_k``, ``b_v`` (h_kv d_head,),
        ``b_o`` (d_model,).
    n_heads : int
        h.
    n_kv_heads : int, optional
        h_kv (default h); must divide h.
    mask : bool array broadcastable to (B, h, T, S), optional
        True = may attend (e.g. ``padding_mask`` (B, 1, 1, S)). Combined with ``causal``.
    kv : array_like of shape (B, S, d_model), optional
        Cross-attention: keys and values come from this (the encoder output), not from x.
    positions : int array of shape (T,), optional
        Absolute positions of x's rows, for RoPE (default: cache length + 0 .. T-1).
    cache : LayerKVCache, optional
        Self-attention: the new keys/values are appended and attention runs over all S
        cached positions. Cross-attention: filled with the projected ``kv`` on the first call
        and reused afterwards (``kv`` is then ignored). A forward with a cache cannot be
        differentiated.
    causal : bool
        Add a causal mask (query i sees keys j <= i + S - T).
    rope : bool
        Rotate queries and keys (self-attention only).
    rope_base : float
    alibi : bool
        Add ALiBi biases (h, T, S).

    Returns
    -------
    out : ndarray of shape (B, T, d_model)
    fcache : dict of intermediates; ``fcache["weights"]`` are the (B, h, T, S) attention weights.
    """
    x = as_float_array(x, "x")
    check_ndim(x, "x", ndim=3, expected="(B, T, d_model)")
    B, T, d_model = x.shape
    n_heads = check_positive_int(n_heads, "n_heads")
    n_kv_heads = n_heads if n_kv_heads is None else check_positive_int(n_kv_heads, "n_kv_heads")
    if n_heads % n_kv_heads:
        raise ValueError(f"n_heads={n_heads} is not divisible by n_kv_heads={n_kv_heads}")
    p, d_head = _check_params(x, params, n_heads, n_kv_heads)
    cross = kv is not None
    if cross:
        if rope:
            raise ValueError("rope=True applies to self-attention only; cross-attention keys "
                             "come from another sequence whose positions do not align")
        kv = as_float_array(kv, "kv", dtype=x.dtype)
        check_ndim(kv, "kv", ndim=3, expected="(B, S, d_model)")
        if kv.shape[0] != B or kv.shape[2] != d_model:
            raise ValueError(f"kv has shape {kv.shape}, expected ({B}, S, {d_model}) to match "
                             f"x {x.shape}")
    source = kv if cross else x  # (B, S, d_model): where keys and values come from
    past = cache.length if (cache is not None and not cross) else 0
    if positions is None:
        positions = past + np.arange(T)  # (T,) absolute positions of the new rows
    q = split_heads(_project(x, p, "q", "x"), n_heads)  # (B, h, T, d_head)
    if cross and cache is not None and cache.length > 0:
        k, v = cache.keys, cache.values  # memory projected once, on the first decoding step
    else:
        source_name = "kv" if cross else "x"
        k = split_heads(_project(source, p, "k", source_name), n_kv_heads)  # (B, h_kv, S_new,
        v = split_heads(_project(source, p, "v", source_name), n_kv_heads)  # d_head) each
        if rope:
            k = apply_rope(k, positions, rope_base)
        if cache is not None:
            k, v = cache.append(k, v)  # (B, h_kv, S, d_head), S = past + S_new
    if rope:
        q = apply_rope(q, positions, rope_base)
    S = k.shape[2]
    group = n_heads // n_kv_heads
    k_rep = np.repeat(k, group, axis=1) if group > 1 else k  # (B, h, S, d_head)
    v_rep = np.repeat(v, group, axis=1) if group > 1 else v  # (B, h, S, d_head)
    if mask is not None:
        mask = as_array(mask, "mask")
        if mask.dtype != np.bool_:
            raise TypeError(f"mask must be a boolean array (True = may attend), got dtype "
                            f"{mask.dtype}")
        broadcast_shapes(("mask", mask.shape), ("the scores (B, h, T, S)", (B, n_heads, T, S)))
    if causal:
        mask = causal_mask(T, S) if mask is None else np.logical_and(mask, causal_mask(T, S))
    bias = alibi_bias(n_heads, T, S).astype(x.dtype) if alibi else None  # (h, T, S)
    heads, attn = attention_forward(q, k_rep, v_rep, mask, bias=bias)  # (B, h, T, d_head)
    merged = merge_heads(heads)  # (B, T, h * d_head)
    out = _project(merged, p, "o", "the attention output")  # (B, T, d_model)
    fcache = {"x": x, "source": source, "cross": cross, "params": p, "attn": attn,
              "merged": merged, "weights": attn["weights"], "n_heads": n_heads,
              "n_kv_heads": n_kv_heads, "positions": positions, "rope": rope,
              "rope_base": rope_base, "cached": cache is not None}
    return out, fcache


def multi_head_attention_backward(dout, fcache):
    """Backward pass of ``multi_head_attention_forward`` (without a KV cache).

    Parameters
    ----------
    dout : array_like of shape (B, T, d_model)
    fcache : dict from ``multi_head_attention_forward``.

    Returns
    -------
    dx : ndarray of shape (B, T, d_model)
        For cross-attention, the pair ``(dx, dkv)`` with dkv of shape (B, S, d_model).
    grads : dict keyed like ``params`` (W_q, ..., b_o) with the same shapes.
    """
    check_cache(fcache, "fcache", _CACHE_SPEC, "multi_head_attention_forward")
    if fcache["cached"]:
        raise ValueError("this forward pass used a KV cache; run it without one to "
                         "differentiate (a cache is for inference)")
    x, source, p = fcache["x"], fcache["source"], fcache["params"]
    dout = as_float_array(dout, "dout", dtype=x.dtype)
    if dout.shape != x.shape:
        raise ValueError(f"dout has shape {dout.shape}, expected {x.shape} (the output's shape)")
    B, T, d_model = x.shape
    S = source.shape[1]
    h, h_kv = fcache["n_heads"], fcache["n_kv_heads"]
    merged = fcache["merged"]
    grads = {"W_o": merged.reshape(B * T, -1).T @ dout.reshape(B * T, d_model),  # (h d_head, d)
             "b_o": dout.sum(axis=(0, 1))}  # (d_model,)
    dheads = split_heads(dout @ p["W_o"].T, h)  # (B, h, T, d_head)
    dq, dk, dv = attention_backward(dheads, fcache["attn"])  # (B, h, T|S, d_head)
    if h_kv < h:  # each shared K/V head receives the sum over its group of query heads
        d_head = dk.shape[-1]
        dk = dk.reshape(B, h_kv, h // h_kv, S, d_head).sum(axis=2)  # (B, h_kv, S, d_head)
        dv = dv.reshape(B, h_kv, h // h_kv, S, d_head).sum(axis=2)
    if fcache["rope"]:
        positions = as_float_array(fcache["positions"], "fcache['positions']")
        rope_base = check_positive_float(fcache["rope_base"], "fcache['rope_base']")
        dq = rope_backward(dq, positions, rope_base)
        dk = rope_backward(dk, positions, rope_base)
    dq, dk, dv = merge_heads(dq), merge_heads(dk), merge_heads(dv)  # (B, T|S, width)
    x2, s2 = x.reshape(B * T, d_model), source.reshape(B * S, d_model)
    grads["W_q"] = x2.T @ dq.reshape(B * T, -1)  # (d_model, h d_head)
    grads["W_k"] = s2.T @ dk.reshape(B * S, -1)  # (d_model, h_kv d_head)
    grads["W_v"] = s2.T @ dv.reshape(B * S, -1)
    grads["b_q"] = dq.sum(axis=(0, 1))
    grads["b_k"] = dk.sum(axis=(0, 1))
    grads["b_v"] = dv.sum(axis=(0, 1))
    dx = dq @ p["W_q"].T  # (B, T, d_model)
    dsource = dk @ p["W_k"].T + dv @ p["W_v"].T  # (B, S, d_model)
    grads = {n: grads[n] for n in ATTENTION_PARAM_NAMES}
    check_finite_gradients((dx, dsource, grads), "dout is", "the gradients")
    if fcache["cross"]:
        return (dx, dsource), grads
    return dx + dsource, grads


def multi_head_attention(x, params, n_heads, *, n_kv_heads=None, mask=None, kv=None,
                         positions=None, cache=None, causal=False, rope=False,
                         rope_base=10000.0, alibi=False, return_weights=False):
    """Multi-head self- or cross-attention; see ``multi_head_attention_forward``.

    Returns
    -------
    out : ndarray of shape (B, T, d_model), or ``(out, weights)`` with weights (B, h, T, S)
    if ``return_weights``.
    """
    out, fcache = multi_head_attention_forward(
        x, params, n_heads, n_kv_heads=n_kv_heads, mask=mask, kv=kv, positions=positions,
        cache=cache, causal=causal, rope=rope, rope_base=rope_base, alibi=alibi)
    return (out, fcache["weights"]) if return_weights else out
