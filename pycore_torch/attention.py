"""Scaled dot-product attention on tensors, written out (mirrors ``pycore.attention``).

Attention(Q, K, V) = softmax(Q K^T * scale + bias, masked) V, scale = 1/sqrt(d_k) by default
(Vaswani et al. 2017, section 3.2.1, eq. 1). This is the "naive" path: it materialises the
(..., T_q, T_k) score matrix, as pycore does, so it can return the weights and equals pycore
to rounding. ``pycore_torch.flash_attention`` is the fused path that never holds that matrix.

A query row whose keys are all masked raises ValueError, as in pycore (torch's fused kernel
returns NaN there instead). Gradients come from autograd.
"""

from __future__ import annotations

import math

import torch

from ._checks import as_float_tensor, check_ndim, check_positive_float, common_dtype

__all__ = ["scaled_dot_product_attention", "check_qkv"]


def check_qkv(q, k, v):
    """Validate q (..., T_q, d_k), k (..., T_k, d_k), v (..., T_k, d_v); one dtype and device."""
    dtype = common_dtype(*(a for a in (q, k, v) if isinstance(a, torch.Tensor)))
    q = as_float_tensor(q, "q", dtype=dtype)
    k = as_float_tensor(k, "k", dtype=dtype, device=q.device)
    v = as_float_tensor(v, "v", dtype=dtype, device=q.device)
    check_ndim(q, "q", min_ndim=2, expected="(..., T_q, d_k)")
    check_ndim(k, "k", min_ndim=2, expected="(..., T_k, d_k)")
    check_ndim(v, "v", min_ndim=2, expected="(..., T_k, d_v)")
    T_q, d_k = q.shape[-2:]
    T_k = k.shape[-2]
    if min(T_q, T_k, d_k) == 0:
        raise ValueError(f"q {tuple(q.shape)} and k {tuple(k.shape)} must have T_q, T_k, d_k >= 1")
    if k.shape[-1] != d_k:
        raise ValueError(f"k has shape {tuple(k.shape)}, expected (..., T_k, {d_k}) to match "
                         f"q {tuple(q.shape)}")
    if v.shape[-2] != T_k:
        raise ValueError(f"v has shape {tuple(v.shape)}, expected (..., {T_k}, d_v) to match "
                         f"k {tuple(k.shape)}")
    try:
        torch.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except RuntimeError as exc:
        raise ValueError(f"the leading dims of q {tuple(q.shape)}, k {tuple(k.shape)} and "
                         f"v {tuple(v.shape)} do not broadcast") from exc
    return q, k, v


def scaled_dot_product_attention(q, k, v, mask=None, *, bias=None, scale=None,
                                 return_weights=False):
    """softmax(q k^T * scale + bias, masked) v.

    Parameters
    ----------
    q : tensor of shape (..., T_q, d_k), floating
    k : tensor of shape (..., T_k, d_k)
    v : tensor of shape (..., T_k, d_v); leading dims broadcast
    mask : bool tensor broadcastable to (..., T_q, T_k), optional
        True = may attend.
    bias : float tensor broadcastable to (..., T_q, T_k), optional
        Added to the scaled scores (e.g. ``alibi_bias``); -inf entries act as a mask.
    scale : float > 0, optional
        Defaults to 1 / sqrt(d_k).
    return_weights : bool
        Also return the (..., T_q, T_k) attention weights.

    Returns
    -------
    out : tensor of shape (..., T_q, d_v), or ``(out, weights)``.

    Raises
    ------
    TypeError
        If ``mask`` is not boolean.
    ValueError
        Wrong ranks or shapes, NaN/+inf in ``bias``, or a fully masked query row.
    """
    q, k, v = check_qkv(q, k, v)
    T_q, d_k = q.shape[-2:]
    T_k = k.shape[-2]
    scale = 1.0 / math.sqrt(d_k) if scale is None else check_positive_float(scale, "scale")
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale  # (..., T_q, T_k)
    if bias is not None:
        bias = as_float_tensor(bias, "bias", dtype=q.dtype, device=q.device)
        if bool(torch.isnan(bias).any()) or bool(torch.isposinf(bias).any()):
            raise ValueError(f"bias (shape {tuple(bias.shape)}) contains NaN or +inf")
        scores = scores + bias  # (..., T_q, T_k), broadcast
    if mask is not None:
        if not isinstance(mask, torch.Tensor):
            mask = torch.as_tensor(mask)
        if mask.dtype != torch.bool:
            raise TypeError(f"mask must be boolean (True = may attend), got dtype {mask.dtype}; "
                            "pass additive float masks as bias")
        scores = scores.masked_fill(~mask.to(q.device), float("-inf"))  # blocked -> -inf
    fully_masked = torch.isneginf(scores).all(dim=-1)  # (..., T_q)
    if bool(fully_masked.any()):
        raise ValueError(f"{int(fully_masked.sum())} query row(s) of the (..., T_q={T_q}, "
                         f"T_k={T_k}) scores have every key masked; attention is undefined")
    weights = torch.softmax(scores, dim=-1)  # (..., T_q, T_k), stable (subtracts the row max)
    out = torch.matmul(weights, v)  # (..., T_q, d_v)
    return (out, weights) if return_weights else out
