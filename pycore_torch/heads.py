"""Splitting d_model into attention heads and merging them back (mirrors ``pycore.heads``).

(B, T, d_model) -> view (B, T, h, d_head) -> transpose (B, h, T, d_head), and the inverse
(Vaswani et al. 2017, section 3.2.2). Head i holds features i * d_head : (i + 1) * d_head.
"""

from __future__ import annotations

import torch

from ._checks import as_float_tensor, check_ndim, check_positive_int

__all__ = ["split_heads", "merge_heads"]


def split_heads(x, n_heads: int) -> torch.Tensor:
    """(..., T, D) -> (..., h, T, D / h); a view when ``x`` is contiguous.

    Raises
    ------
    ValueError
        If ``x`` has fewer than 2 dims or D is not divisible by ``n_heads``.
    """
    n_heads = check_positive_int(n_heads, "n_heads")
    x = as_float_tensor(x, "x")
    check_ndim(x, "x", min_ndim=2, expected="(B, T, D)")
    *lead, T, D = x.shape
    if D % n_heads:
        raise ValueError(f"x has shape {tuple(x.shape)}: D={D} is not divisible by "
                         f"n_heads={n_heads}")
    x = x.reshape(*lead, T, n_heads, D // n_heads)  # (..., T, h, d_head)
    return x.transpose(-2, -3)  # (..., h, T, d_head)


def merge_heads(x) -> torch.Tensor:
    """(..., h, T, d_head) -> (..., T, h * d_head), a contiguous tensor.

    Raises
    ------
    ValueError
        If ``x`` has fewer than 3 dims.
    """
    x = as_float_tensor(x, "x")
    check_ndim(x, "x", min_ndim=3, expected="(B, h, T, d_head)")
    *lead, h, T, d_head = x.shape
    return x.transpose(-2, -3).reshape(*lead, T, h * d_head)  # (..., T, h * d_head)
