"""Softmax and log-softmax, numerically stable, with the softmax backward pass.

softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m),  m = max_j x_j.

Subtracting the row maximum m changes nothing mathematically (softmax is shift-invariant) but
keeps every exponent <= 0, so exp never overflows even for inputs like 1e4 (Goodfellow, Bengio
and Courville 2016, *Deep Learning*, section 4.1). log_softmax(x) = x - m - log sum exp(x - m)
avoids taking the log of an underflowed 0.

Entries equal to -inf are allowed: they receive probability 0 (this is how additive masks
work). NaN and +inf are rejected, and so is a row whose entries are all -inf (it has no
probability distribution; see ``softmax``).
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_array,
    as_float_array,
    check_axis,
    check_finite_result,
    check_same_shape,
)

__all__ = ["softmax", "log_softmax", "softmax_backward"]


def _validated_scores(x, name: str, axis: int):
    """Convert ``x``, allow -inf, reject NaN/+inf and rows that are entirely -inf."""
    x = as_float_array(x, name, allow_nonfinite=True)
    if x.ndim == 0:
        raise ValueError(f"{name} has shape {x.shape} (a scalar); softmax needs at least 1 dim")
    axis = check_axis(axis, x.ndim)
    if np.any(np.isnan(x)) or np.any(x == np.inf):
        raise ValueError(f"{name} (shape {x.shape}) contains NaN or +inf; only -inf is allowed "
                         "(it means probability 0)")
    if x.shape[axis] == 0:
        raise ValueError(f"{name} has shape {x.shape}: axis {axis} is empty, softmax undefined")
    row_max = np.max(x, axis=axis, keepdims=True)
    if np.any(row_max == -np.inf):
        n_bad = int(np.sum(row_max == -np.inf))
        raise ValueError(f"{name} (shape {x.shape}) has {n_bad} row(s) along axis {axis} that are "
                         "entirely -inf (fully masked): softmax has no distribution to return")
    return x, axis, row_max


def softmax(x, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``.

    Parameters
    ----------
    x : array_like of shape (...), float32 or float64
        Scores (logits). -inf entries are allowed and get probability exactly 0.
    axis : int
        The axis that sums to 1 (default: the last).

    Returns
    -------
    ndarray, same shape and dtype as ``x`` (float64 unless ``x`` is float32),
    non-negative and summing to 1 along ``axis``.

    Raises
    ------
    ValueError
        If ``x`` contains NaN or +inf, is a scalar, has an empty ``axis``, or a row along
        ``axis`` is entirely -inf (a fully masked row).
    """
    x, axis, row_max = _validated_scores(x, "x", axis)
    e = np.exp(x - row_max)  # every exponent <= 0: no overflow; the max entry gives exp(0) = 1
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis: int = -1) -> np.ndarray:
    """Numerically stable log of the softmax along ``axis``.

    log_softmax(x)_i = (x_i - m) - log sum_j exp(x_j - m), with m the maximum along ``axis``.

    Parameters
    ----------
    x : array_like of shape (...), float32 or float64
        Scores; -inf entries give -inf.
    axis : int
        The normalised axis (default: the last).

    Returns
    -------
    ndarray, same shape and dtype as ``x``.

    Raises
    ------
    ValueError
        As for ``softmax``.
    """
    x, axis, row_max = _validated_scores(x, "x", axis)
    shifted = x - row_max
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax_backward(dy, y, axis: int = -1) -> np.ndarray:
    """Gradient of a loss through ``y = softmax(x)``, given dL/dy.

    The Jacobian is dy_i/dx_j = y_i (delta_ij - y_j), so
    dx = y * (dy - sum(dy * y, axis)).

    Parameters
    ----------
    dy : array_like, same shape as ``y``
        Upstream gradient dL/dy.
    y : array_like of shape (...)
        The softmax output saved from the forward pass.
    axis : int
        The axis softmax was taken over.

    Returns
    -------
    dx : ndarray, same shape as ``y``; float32 only if both inputs are float32.
    """
    dy_arr = as_array(dy, "dy")
    y_arr = as_array(y, "y")
    dtype = np.float32 if (dy_arr.dtype == np.float32 and y_arr.dtype == np.float32) else np.float64
    dy = as_float_array(dy_arr, "dy", dtype=dtype)
    y = as_float_array(y_arr, "y", dtype=dtype)
    check_same_shape(dy, "dy", y, "y")
    if y.ndim == 0:
        raise ValueError("y is a scalar; softmax_backward needs at least 1 dim")
    axis = check_axis(axis, y.ndim)
    dx = y * (dy - np.sum(dy * y, axis=axis, keepdims=True))
    return check_finite_result(dx, "dx", "dy is")
