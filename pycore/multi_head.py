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
ALiBi (Press et al. 2022) adds -slope * distance to the scores. With a KV cache, the new keys
are rotated before they are stored, so cached keys never need rotating again.

Self-attention and cross-attention each have a forward/backward pair with one return shape:
``multi_head_attention_backward(dout, saved) -> (dx, grads)`` and
``cross_attention_backward(dout, saved) -> (dx, dmemory, grads)``. Both forwards return
``(out, saved)``, where ``saved`` is the dict the backward reads (never a KV cache).
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_float_array,
    check_finite_gradients,
    check_finite_result,
    check_keys,
    check_positive_float,
    check_positive_int,
    check_saved,
    check_shape,
)
from .attention import SAVED_SPEC as ATTENTION_SAVED_SPEC
from .attention import attention_backward, attention_forward, check_mask
from .heads import merge_heads, split_heads
from .masks import causal_mask
from .params import ATTENTION_PARAM_NAMES, attention_shapes
from .positions import alibi_bias, apply_rope, rope_backward

__all__ = ["multi_head_attention", "multi_head_attention_forward",
           "multi_head_attention_backward", "cross_attention_forward",
           "cross_attention_backward", "ATTENTION_PARAM_NAMES", "SAVED_SPEC"]

SAVED_SPEC = {"x": np.ndarray, "source": np.ndarray, "cross": bool, "params": dict,
              "attn": ATTENTION_SAVED_SPEC, "merged": np.ndarray, "n_heads": int,
              "n_kv_heads": int, "positions": object, "rope": bool, "rope_base": object,
              "cached": bool}


def _project(x, p, name, source_name):
    """Compute x @ W + b for projection ``name`` ("q", "k", "v", "o"); refuse an overflow."""
    out = x @ p[f"W_{name}"] + p[f"b_{name}"]  # (B, T, width)
    return check_finite_result(out, f"the {name} projection {source_name} @ W_{name} + b_{name}",
                               f"{source_name} or params['W_{name}'] is")


def _check_params(x, params, n_heads, n_kv_heads):
    """Validate the projection shapes against x (B, T, d_model); return (p, d_head)."""
    check_keys(params, "params", ATTENTION_PARAM_NAMES)
    d_model = x.shape[-1]
    p = {n: as_float_array(params[n], f"params[{n!r}]", dtype=x.dtype)
         for n in ATTENTION_PARAM_NAMES}
    q_width = check_shape(p["W_q"], "params['W_q']", "(d_model, h * d_head)")[1]
    if q_width % n_heads:
        raise ValueError(f"params['W_q'] has shape {p['W_q'].shape}: its width {q_width} is not "
                         f"divisible by n_heads={n_heads}")
    d_head = q_width // n_heads
    for n, shape in attention_shapes(d_model, n_heads, n_kv_heads, d_head).items():
        if p[n].shape != shape:
            raise ValueError(f"params[{n!r}] has shape {p[n].shape}, expected {shape} "
                             f"(d_model={d_model}, h={n_heads}, h_kv={n_kv_heads}, "
                             f"d_head={d_head})")
    return p, d_head


def _forward(x, params, n_heads, *, n_kv_heads, mask, kv, positions, cache, causal, rope,
             rope_base, alibi, kv_name):
    """Both forwards' computation; ``kv_name`` names ``kv`` in error messages."""
    x = as_float_array(x, "x")
    B, T, d_model = check_shape(x, "x", "(B, T, d_model)")
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
        kv = as_float_array(kv, kv_name, dtype=x.dtype)
        check_shape(kv, kv_name, "(B, S, d_model)", B=B, d_model=d_model)
    source = kv if cross else x  # (B, S, d_model): where keys and values come from
    past = cache.length if (cache is not None and not cross) else 0
    if positions is None:
        positions = past + np.arange(T)  # (T,) absolute positions of the new rows
    q = split_heads(_project(x, p, "q", "x"), n_heads)  # (B, h, T, d_head)
    if cross and cache is not None and cache.length > 0:
        k, v = cache.keys, cache.values  # memory projected once, on the first decoding step
    else:
        source_name = kv_name if cross else "x"
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
        mask = check_mask(mask, ("the scores (B, h, T, S)", (B, n_heads, T, S)))
    if causal:
        mask = causal_mask(T, S) if mask is None else np.logical_and(mask, causal_mask(T, S))
    bias = alibi_bias(n_heads, T, S).astype(x.dtype) if alibi else None  # (h, T, S)
    heads, attn = attention_forward(q, k_rep, v_rep, mask, bias=bias)  # (B, h, T, d_head)
    merged = merge_heads(heads)  # (B, T, h * d_head)
    out = _project(merged, p, "o", "the attention output")  # (B, T, d_model)
    saved = {"x": x, "source": source, "cross": cross, "params": p, "attn": attn,
             "merged": merged, "weights": attn["weights"], "n_heads": n_heads,
             "n_kv_heads": n_kv_heads, "positions": positions, "rope": rope,
             "rope_base": rope_base, "cached": cache is not None}
    return out, saved


def multi_head_attention_forward(x, params, n_heads, *, n_kv_heads=None, mask=None, kv=None,
                                 positions=None, cache=None, causal=False, rope=False,
                                 rope_base=10000.0, alibi=False):
    """Multi-head attention, returning the output and what its backward pass needs.

    Parameters
    ----------
    x : array_like of shape (B, T, d_model), float32 or float64
        The queries' input (the residual stream after the norm).
    params : dict
        The arrays named by ``pycore.params.attention_shapes``: ``W_q`` (d_model, h d_head),
        ``W_k``, ``W_v`` (d_model, h_kv d_head), ``W_o`` (h d_head, d_model), ``b_q``
        (h d_head,), ``b_k``, ``b_v`` (h_kv d_head,), ``b_o`` (d_model,).
    n_heads : int
        h.
    n_kv_heads : int, optional
        h_kv (default h); must divide h.
    mask : bool array broadcastable to (B, h, T, S), optional
        True = may attend (e.g. ``padding_mask`` (B, 1, 1, S)). Combined with ``causal``.
    kv : array_like of shape (B, S, d_model), optional
        Cross-attention: keys and values come from this (the encoder output), not from x.
        Differentiate such a forward with ``cross_attention_backward``.
    positions : int array of shape (T,), optional
        Absolute positions of x's rows, for RoPE (default: KV cache length + 0 .. T-1).
    cache : LayerKVCache, optional
        The KV cache. Self-attention: the new keys/values are appended and attention runs
        over all S cached positions. Cross-attention: filled with the projected ``kv`` on the
        first call and reused afterwards (``kv`` is then ignored). A forward with a KV cache
        cannot be differentiated.
    causal : bool
        Add a causal mask (query i sees keys j <= i + S - T).
    rope : bool
        Rotate queries and keys (self-attention only).
    rope_base : float
        The base of RoPE's angles.
    alibi : bool
        Add ALiBi biases (h, T, S).

    Returns
    -------
    out : ndarray of shape (B, T, d_model)
        The attention output.
    saved : dict
        Intermediates for the backward pass; ``saved["weights"]`` are the (B, h, T, S)
        attention weights.
    """
    return _forward(x, params, n_heads, n_kv_heads=n_kv_heads, mask=mask, kv=kv,
                    positions=positions, cache=cache, causal=causal, rope=rope,
                    rope_base=rope_base, alibi=alibi, kv_name="kv")


def _backward(dout, saved):
    """Shared backward of both forwards: (dx, dsource, grads), dsource (B, S, d_model)."""
    check_saved(saved, "saved", SAVED_SPEC, "multi_head_attention_forward")
    if saved["cached"]:
        raise ValueError("this forward pass used a KV cache; run it without one to "
                         "differentiate (a KV cache is for inference)")
    x, source, p = saved["x"], saved["source"], saved["params"]
    dout = as_float_array(dout, "dout", dtype=x.dtype)
    if dout.shape != x.shape:
        raise ValueError(f"dout has shape {dout.shape}, expected {x.shape} (the output's shape)")
    B, T, d_model = x.shape
    S = source.shape[1]
    n_heads, n_kv_heads = saved["n_heads"], saved["n_kv_heads"]
    merged = saved["merged"]
    grads = {"W_o": merged.reshape(B * T, -1).T @ dout.reshape(B * T, d_model),  # (h d_head, d)
             "b_o": dout.sum(axis=(0, 1))}  # (d_model,)
    dheads = split_heads(dout @ p["W_o"].T, n_heads)  # (B, h, T, d_head)
    dq, dk, dv = attention_backward(dheads, saved["attn"])  # (B, h, T|S, d_head)
    if n_kv_heads < n_heads:  # each shared K/V head receives the sum over its group of queries
        group, d_head = n_heads // n_kv_heads, dk.shape[-1]
        dk = dk.reshape(B, n_kv_heads, group, S, d_head).sum(axis=2)  # (B, h_kv, S, d_head)
        dv = dv.reshape(B, n_kv_heads, group, S, d_head).sum(axis=2)
    if saved["rope"]:
        positions = as_float_array(saved["positions"], "saved['positions']")
        rope_base = check_positive_float(saved["rope_base"], "saved['rope_base']")
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
    return dx, dsource, grads


def multi_head_attention_backward(dout, saved):
    """Backward pass of self-attention (``multi_head_attention_forward`` without ``kv``).

    Parameters
    ----------
    dout : array_like of shape (B, T, d_model)
        dL/d(out).
    saved : dict
        From ``multi_head_attention_forward``, run without a KV cache.

    Returns
    -------
    dx : ndarray of shape (B, T, d_model)
        dL/dx (x gave the queries, keys and values).
    grads : dict
        Keyed like ``params`` (W_q, ..., b_o), each the shape of its parameter.
    """
    if isinstance(saved, dict) and saved.get("cross") is True:
        raise ValueError("saved comes from cross-attention (kv was given); differentiate it "
                         "with cross_attention_backward, which also returns dmemory")
    dx, dsource, grads = _backward(dout, saved)
    return dx + dsource, grads


def cross_attention_forward(x, memory, params, n_heads, *, n_kv_heads=None, mask=None,
                            cache=None):
    """Cross-attention: queries from x, keys and values from the encoder output ``memory``.

    (Vaswani et al. 2017, section 3.2.3.) The same computation as
    ``multi_head_attention_forward(x, params, n_heads, kv=memory, ...)``.

    Parameters
    ----------
    x : array_like of shape (B, T, d_model)
        The decoder's residual stream after the norm.
    memory : array_like of shape (B, S, d_model)
        The encoder output.
    params : dict
        As for ``multi_head_attention_forward``.
    n_heads : int
        h.
    n_kv_heads : int, optional
        h_kv (default h).
    mask : bool array broadcastable to (B, h, T, S), optional
        The source's padding mask (True = real token).
    cache : LayerKVCache, optional
        Holds the projected memory after the first decoding step (inference only).

    Returns
    -------
    out : ndarray of shape (B, T, d_model)
        The cross-attention output.
    saved : dict
        For ``cross_attention_backward``; ``saved["weights"]`` (B, h, T, S).
    """
    return _forward(x, params, n_heads, n_kv_heads=n_kv_heads, mask=mask, kv=memory,
                    positions=None, cache=cache, causal=False, rope=False, rope_base=10000.0,
                    alibi=False, kv_name="memory")


def cross_attention_backward(dout, saved):
    """Backward pass of ``cross_attention_forward``.

    Parameters
    ----------
    dout : array_like of shape (B, T, d_model)
        dL/d(out).
    saved : dict
        From ``cross_attention_forward``, run without a KV cache.

    Returns
    -------
    dx : ndarray of shape (B, T, d_model)
        dL/dx (the queries' input).
    dmemory : ndarray of shape (B, S, d_model)
        dL/d(memory) (the keys' and values' input).
    grads : dict
        Keyed like ``params``, each the shape of its parameter.
    """
    if isinstance(saved, dict) and saved.get("cross") is False:
        raise ValueError("saved comes from self-attention (no kv); differentiate it with "
                         "multi_head_attention_backward")
    return _backward(dout, saved)


def multi_head_attention(x, params, n_heads, *, n_kv_heads=None, mask=None, kv=None,
                         positions=None, cache=None, causal=False, rope=False,
                         rope_base=10000.0, alibi=False, return_weights=False):
    """Multi-head self- or cross-attention; see ``multi_head_attention_forward``.

    Returns
    -------
    out : ndarray of shape (B, T, d_model), or ``(out, weights)`` with weights (B, h, T, S)
    if ``return_weights``.
    """
    out, saved = multi_head_attention_forward(
        x, params, n_heads, n_kv_heads=n_kv_heads, mask=mask, kv=kv, positions=positions,
        cache=cache, causal=causal, rope=rope, rope_base=rope_base, alibi=alibi)
    return (out, saved["weights"]) if return_weights else out
