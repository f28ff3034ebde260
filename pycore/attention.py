"""Scaled dot-product attention, forward and hand-written backward.

Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k) + bias, masked) V
(Vaswani et al. 2017, "Attention Is All You Need", section 3.2.1, eq. 1). The 1/sqrt(d_k)
keeps the scores' variance near 1 when the entries of q and k have unit variance, so the
softmax does not saturate. ``bias`` is an additive score bias such as ALiBi (Press et al.
2022); ``mask`` is boolean with PyTorch's meaning (True = may attend).

Backward (with s the scaled scores, w = softmax(s), o = w V):
    dV = w^T dO,   dw = dO V^T,   ds = w * (dw - rowsum(dw * w)),
    dQ = scale * ds K,   dK = scale * ds^T Q.
Masked entries have w = 0, so they pass no gradient. Leading (batch/head) dims broadcast as
in ``numpy.matmul``; gradients are summed back over any broadcast axis. That also gives
grouped-query attention (Ainslie et al. 2023) without copying K and V: view q as
(B, h_kv, h / h_kv, T_q, d_k) and k, v as (B, h_kv, 1, T_k, d), and each K/V head is shared
by its group of query heads (its gradient summed over the group).

A query row whose keys are all masked has no softmax distribution: pycore raises ValueError
rather than return NaN (PyTorch returns NaN there) or silently zeros.

Very large but finite inputs (q and k of 1e160, or scale = 1e308) give scores beyond the
float range, and the plain formula returns inf - inf = NaN. The softmax only needs score
differences, so pycore then works with t = s / 2^E instead, dividing q, k and the scale by
powers of two (exact in floating point): w = softmax(s) = exp(2^E (t - max t)) / sum(...).
Differences too large to represent give weight exactly 0, as the true softmax nearly does.
Inputs of ordinary size never take this path, so their results are unchanged.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import (
    as_array,
    as_float_array,
    broadcast_shapes,
    check_finite_result,
    check_positive_float,
    check_saved,
    check_shape,
    unbroadcast,
)

__all__ = ["scaled_dot_product_attention", "attention_forward", "attention_backward",
           "check_qkv", "check_mask", "score_operands", "value_operand", "exp_scaled"]

SAVED_SPEC = {"q": np.ndarray, "k": np.ndarray, "v": np.ndarray, "weights": np.ndarray,
               "scale": float}


def _max_abs(a) -> float:
    return float(np.max(np.abs(a))) if a.size else 0.0


def score_operands(q, k, scale, bias_max=0.0):
    """Operands whose scores cannot overflow: (q', k', c, E) with scale q k^T = 2^E c q' k'^T.

    Normally this is (q, k, scale, 0): the plain product. Only when the bound
    max|q| max|k| d_k scale + max|bias| comes near the dtype's largest value are q, k and
    scale divided by powers of two (exact), so that t = c q' k'^T is at most d_k in size
    and the true scores are s = 2^E t.
    """
    largest = float(np.finfo(q.dtype).max)
    bound = _max_abs(q) * _max_abs(k) * q.shape[-1] * scale + bias_max  # >= every |score|
    if bound < largest / 4:
        return q, k, scale, 0
    e_q, e_k = (int(np.frexp(_max_abs(a))[1]) for a in (q, k))  # max|a| < 2^e_a
    c, e_s = np.frexp(scale)  # scale = c 2^e_s, c in [0.5, 1)
    return np.ldexp(q, -e_q), np.ldexp(k, -e_k), float(c), e_q + e_k + int(e_s)


def exp_scaled(t, E: int):
    """exp(2^E t) for t <= 0: a difference of scaled scores back on the true scale.

    With E = 0 this is exp(t). A difference that no longer fits gives exp(-inf) = 0.
    """
    if E == 0:
        return np.exp(t)
    with np.errstate(over="ignore"):  # -inf here is the intended limit
        return np.exp(np.ldexp(t, E))


def value_operand(v, T_k: int):
    """(v', e) with v = 2^e v', so that sums of up to T_k weighted rows of v' cannot overflow.

    (v, 0) unless the values are within a factor 4 T_k of the dtype's largest value.
    """
    largest = float(np.finfo(v.dtype).max)
    if _max_abs(v) < largest / (4 * T_k):
        return v, 0
    e_v = int(np.frexp(_max_abs(v))[1])
    return np.ldexp(v, -e_v), e_v


def check_qkv(q, k, v):
    """q, k, v as arrays of one float dtype, plus the broadcast batch shape of their leading dims.

    q (..., T_q, d_k), k (..., T_k, d_k), v (..., T_k, d_v); float32 only if all three are.
    The one check of attention's operands, shared by ``attention_forward`` and
    ``flash_attention``.
    """
    raw = [as_array(a, n) for a, n in zip((q, k, v), "qkv")]
    dtype = np.float32 if all(a.dtype == np.float32 for a in raw) else np.float64
    q, k, v = (as_float_array(a, n, dtype=dtype) for a, n in zip(raw, "qkv"))
    T_q, d_k = check_shape(q, "q", "(..., T_q, d_k)")
    T_k, _ = check_shape(k, "k", "(..., T_k, d_k)", d_k=d_k)
    check_shape(v, "v", "(..., T_k, d_v)", T_k=T_k)
    if min(T_q, T_k, d_k) == 0:
        raise ValueError(f"q {q.shape} and k {k.shape} must have T_q, T_k, d_k >= 1")
    batch = broadcast_shapes(("q", q.shape[:-2]), ("k", k.shape[:-2]), ("v", v.shape[:-2]))
    return q, k, v, batch


def check_mask(mask, *named_shapes, hint: str = ""):
    """``mask`` as a boolean array (True = may attend) that broadcasts with ``named_shapes``.

    ``named_shapes`` are (name, shape) pairs such as ``("scores", (B, h, T, S))``; ``hint``
    ends the TypeError's message for a mask that is not boolean.
    """
    mask = as_array(mask, "mask")
    if mask.dtype != np.bool_:
        raise TypeError(f"mask must be a boolean array (True = may attend), got dtype "
                        f"{mask.dtype}{hint}")
    broadcast_shapes(*named_shapes, ("mask", mask.shape))
    return mask


def _check_bias(bias, dtype, scores):
    """``bias`` as a float array of finite values or -inf that broadcasts with ``scores``."""
    bias = as_float_array(bias, "bias", dtype=dtype, allow_nonfinite=True)
    if np.any(np.isnan(bias)) or np.any(bias == np.inf):
        raise ValueError(f"bias (shape {bias.shape}) contains NaN or +inf; only finite "
                         "values or -inf are allowed")
    broadcast_shapes(scores, ("bias", bias.shape))
    return bias


def attention_forward(q, k, v, mask=None, *, bias=None, scale=None):
    """Scaled dot-product attention, returning the output and what its backward pass needs.

    Parameters
    ----------
    q : array_like of shape (..., T_q, d_k), float32 or float64
        Queries.
    k : array_like of shape (..., T_k, d_k)
        Keys.
    v : array_like of shape (..., T_k, d_v)
        Values. The leading dims of q, k, v broadcast together.
    mask : array_like of bool, broadcastable to (..., T_q, T_k), optional
        True where query i may attend to key j (e.g. ``causal_mask``, ``padding_mask``).
    bias : array_like of float, broadcastable to (..., T_q, T_k), optional
        Added to the scaled scores before masking and softmax (e.g. ``alibi_bias``).
        Finite values or -inf (a -inf entry acts as a mask).
    scale : float > 0, optional
        Score multiplier; defaults to 1 / sqrt(d_k).

    Returns
    -------
    out : ndarray of shape (..., T_q, d_v)
        float32 if q, k, v are all float32, else float64.
    saved : dict
        ``"q"``, ``"k"``, ``"v"`` (the inputs), ``"weights"`` (..., T_q, T_k) the attention
        weights (rows sum to 1, exactly 0 where masked), ``"scale"`` (float).

    Raises
    ------
    TypeError
        If ``mask`` is not boolean (use ``bias`` for additive float masks).
    ValueError
        On wrong ranks, mismatched d_k / T_k, shapes that do not broadcast, non-finite
        q/k/v, NaN or +inf in ``bias``, or a query row with every key masked.
    """
    q, k, v, batch = check_qkv(q, k, v)
    T_q, d_k = q.shape[-2:]
    T_k = k.shape[-2]
    scale = 1.0 / math.sqrt(d_k) if scale is None else check_positive_float(scale, "scale")
    shapes = [("scores", batch + (T_q, T_k))]
    if bias is not None:
        bias = _check_bias(bias, q.dtype, shapes[0])
        shapes.append(("bias", bias.shape))
    if mask is not None:
        mask = check_mask(mask, *shapes, hint="; pass additive float masks as bias")
    bias_max = 0.0 if bias is None else _max_abs(bias[np.isfinite(bias)])
    # scores / 2^E; E = 0 (the plain scores) unless they would overflow (module docstring)
    q_s, k_s, c, E = score_operands(q, k, scale, bias_max)
    scores = np.matmul(q_s, np.swapaxes(k_s, -1, -2)) * q.dtype.type(c)  # (..., T_q, T_k)
    if bias is not None:
        scores = scores + (np.ldexp(bias, -E) if E else bias)  # (..., T_q, T_k), broadcast
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)  # (..., T_q, T_k), blocked scores -> -inf
    row_max = np.max(scores, axis=-1, keepdims=True)  # (..., T_q, 1)
    if np.any(row_max == -np.inf):
        n_bad = int(np.sum(row_max == -np.inf))
        raise ValueError(f"{n_bad} query row(s) of the (..., T_q={T_q}, T_k={T_k}) scores have "
                         "every key masked (by mask, or by bias = -inf); attention is undefined "
                         "for a fully masked row")
    e = exp_scaled(scores - row_max, E)  # stable softmax (see pycore.softmax)
    weights = e / np.sum(e, axis=-1, keepdims=True)  # (..., T_q, T_k)
    v_s, e_v = value_operand(v, T_k)
    out = np.matmul(weights, v_s)  # (..., T_q, d_v)
    if e_v:
        out = check_finite_result(np.ldexp(out, e_v), "attention's output", "v is")
    saved = {"q": q, "k": k, "v": v, "weights": weights, "scale": float(scale)}
    return out, saved


def attention_backward(dout, saved):
    """Backward pass of ``attention_forward``.

    Parameters
    ----------
    dout : array_like of shape (..., T_q, d_v)
        dL/d(out), same shape as the forward output.
    saved : dict
        As returned by ``attention_forward``.

    Returns
    -------
    dq : ndarray, same shape as ``q``
    dk : ndarray, same shape as ``k``
    dv : ndarray, same shape as ``v``
        Gradients of the loss. (``mask`` and ``bias`` receive none: they are not trainable.)
    """
    check_saved(saved, "saved", SAVED_SPEC, "attention_forward")
    q, k, v, w, scale = saved["q"], saved["k"], saved["v"], saved["weights"], saved["scale"]
    dout = as_float_array(dout, "dout", dtype=q.dtype)
    expected = w.shape[:-1] + (v.shape[-1],)
    if dout.shape != expected:
        raise ValueError(f"dout has shape {dout.shape}, expected {expected} (the output's shape)")
    dv = np.matmul(np.swapaxes(w, -1, -2), dout)  # (..., T_k, d_v)
    dw = np.matmul(dout, np.swapaxes(v, -1, -2))  # (..., T_q, T_k)
    ds = w * (dw - np.sum(dw * w, axis=-1, keepdims=True))  # softmax backward, (..., T_q, T_k)
    s = q.dtype.type(scale)
    dq = np.matmul(ds, k) * s  # (..., T_q, d_k)
    dk = np.matmul(np.swapaxes(ds, -1, -2), q) * s  # (..., T_k, d_k)
    grads = (unbroadcast(dq, q.shape), unbroadcast(dk, k.shape), unbroadcast(dv, v.shape))
    for g, n in zip(grads, ("dq", "dk", "dv")):
        check_finite_result(g, n, "dout or the saved q, k, v are")
    return grads


def scaled_dot_product_attention(q, k, v, mask=None, *, bias=None, scale=None,
                                 return_weights=False):
    """softmax(q k^T * scale + bias, masked) v (Vaswani et al. 2017, eq. 1).

    Parameters are as for ``attention_forward``.

    Parameters
    ----------
    q : array_like of shape (..., T_q, d_k)
    k : array_like of shape (..., T_k, d_k)
    v : array_like of shape (..., T_k, d_v)
    mask : bool array broadcastable to (..., T_q, T_k), optional (True = may attend)
    bias : float array broadcastable to (..., T_q, T_k), optional
    scale : float, optional (default 1 / sqrt(d_k))
    return_weights : bool
        Also return the (..., T_q, T_k) attention weights.

    Returns
    -------
    out : ndarray of shape (..., T_q, d_v), or ``(out, weights)`` if ``return_weights``.

    Raises
    ------
    ValueError, TypeError
        As for ``attention_forward`` (notably: a fully masked query row raises ValueError).
    """
    out, saved = attention_forward(q, k, v, mask, bias=bias, scale=scale)
    if return_weights:
        return out, saved["weights"]
    return out
