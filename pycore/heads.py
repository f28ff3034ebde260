"""Splitting the model dimension into attention heads, and merging them back.

Multi-head attention (Vaswani et al. 2017, section 3.2.2) runs h attentions of width
d_head = d_model / h side by side. With the projections stored as one (d_model, h * d_head)
matrix, the heads are just a reshape of the feature axis into (h, d_head) followed by moving
h in front of T, so that attention's matmuls batch over heads:

    (B, T, d_model) -> reshape (B, T, h, d_head) -> transpose (B, h, T, d_head).

``merge_heads`` is the exact inverse. Both are linear and only move entries, so each one's
backward pass is the other: dx = merge_heads(d_split) and dx = split_heads(d_merged, h).
Leading dims beyond B are allowed: (..., T, D) <-> (..., h, T, D / h).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_ndim, check_positive_int

__all__ = ["split_heads", "merge_heads"]


def split_heads(x, n_heads: int) -> np.ndarray:
    """Split the last axis into ``n_heads`` heads: (..., T, D) -> (..., h, T, D / h).

    Parameters
    ----------
    x : array_like of shape (B, T, D) (or any (..., T, D)), float32 or float64
    n_heads : int >= 1
        h; must divide D.

    Returns
    -------
    ndarray of shape (B, h, T, D // h), same dtype as ``x``. Head ``i`` holds features
    ``i * d_head : (i + 1) * d_head``. For D = 768, h = 12: d_head = 64.

    Raises
    ------
    ValueError
        If ``x`` has fewer than 2 dims or D is not divisible by ``n_heads``.
    """
    n_heads = check_positive_int(n_heads, "n_heads")
    x = as_float_array(x, "x")
    check_ndim(x, "x", min_ndim=2, expected="(B, T, D)")
    *lead, T, D = x.shape
    if D % n_heads != 0:
        raise ValueError(f"x has shape {x.shape}: D={D} is not divisible by n_heads={n_heads}")
    d_head = D // n_heads
    x = x.reshape(*lead, T, n_heads, d_head)  # (..., T, h, d_head)
    return np.swapaxes(x, -2, -3)  # (..., h, T, d_head)


def merge_heads(x) -> np.ndarray:
    """Concatenate heads back into the feature axis: (..., h, T, d_head) -> (..., T, h * d_head).

    Parameters
    ----------
    x : array_like of shape (B, h, T, d_head) (or any (..., h, T, d_head))

    Returns
    -------
    ndarray of shape (B, T, h * d_head), same dtype as ``x`` (a contiguous copy).

    Raises
    ------
    ValueError
        If ``x`` has fewer than 3 dims.
    """
    x = as_float_array(x, "x")
    check_ndim(x, "x", min_ndim=3, expected="(B, h, T, d_head)")
    *lead, h, T, d_head = x.shape
    x = np.swapaxes(x, -2, -3)  # (..., T, h, d_head)
    return np.ascontiguousarray(x).reshape(*lead, T, h * d_head)  # (..., T, h * d_head)
