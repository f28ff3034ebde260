"""Softmax and log-softmax on torch tensors, with pycore's checks (mirrors ``pycore.softmax``).

softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j (Goodfellow, Bengio and
Courville 2016, section 4.1). ``torch.softmax`` already subtracts the maximum; what this module
adds is pycore's contract: -inf entries mean probability 0, NaN and +inf are rejected, and a
row that is entirely -inf (fully masked) raises ValueError instead of returning NaN.
"""

from __future__ import annotations

import torch

from ._checks import as_float_tensor

__all__ = ["softmax", "log_softmax", "check_scores"]


def check_scores(x: torch.Tensor, name: str, dim: int) -> None:
    """Raise ValueError on NaN, +inf, an empty ``dim`` or a row along ``dim`` that is all -inf."""
    if x.dim() == 0:
        raise ValueError(f"{name} is a scalar; softmax needs at least 1 dim")
    if x.shape[dim] == 0:
        raise ValueError(f"{name} has shape {tuple(x.shape)}: dim {dim} is empty")
    if bool(torch.isnan(x).any()) or bool(torch.isposinf(x).any()):
        raise ValueError(f"{name} (shape {tuple(x.shape)}) contains NaN or +inf; only -inf is "
                         "allowed (it means probability 0)")
    fully_masked = torch.isneginf(x).all(dim=dim)
    if bool(fully_masked.any()):
        raise ValueError(f"{name} (shape {tuple(x.shape)}) has {int(fully_masked.sum())} row(s) "
                         f"along dim {dim} that are entirely -inf (fully masked)")


def softmax(x, axis: int = -1) -> torch.Tensor:
    """Numerically stable softmax along ``axis``.

    Parameters
    ----------
    x : tensor of shape (...), any floating dtype
        Scores; -inf entries get probability exactly 0.
    axis : int
        The dim that sums to 1 (the name ``axis`` matches pycore).

    Returns
    -------
    tensor, same shape, dtype and device as ``x``.
    """
    x = as_float_tensor(x, "x")
    check_scores(x, "x", axis)
    return torch.softmax(x, dim=axis)


def log_softmax(x, axis: int = -1) -> torch.Tensor:
    """Numerically stable log-softmax along ``axis``; -inf entries give -inf.

    Returns
    -------
    tensor, same shape, dtype and device as ``x``.
    """
    x = as_float_tensor(x, "x")
    check_scores(x, "x", axis)
    return torch.log_softmax(x, dim=axis)
