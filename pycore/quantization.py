"""Weight quantization for inference: symmetric absmax int8 and int4, per channel.

Symmetric absmax quantization with b bits maps a real slice w onto integers in
[-q_max, q_max], q_max = 2^(b-1) - 1 (127 for int8, 7 for int4):

    s = max|w| / q_max,   q = round(w / s),   w_hat = q * s,

so each entry's rounding error is at most s / 2. One scale per output channel
("vector-wise" quantization) keeps one large channel from wasting the integer range of all
the others (Dettmers et al. 2022, "LLM.int8(): 8-bit Matrix Multiplication for Transformers
at Scale", section 3.1-3.2). The symmetric grid drops -128 so that zero maps to zero exactly
and +-max|w| are both representable.

``int8_matmul`` multiplies with int8 weights and int8 activations, accumulating in integers,
then rescales by the outer product of the row and column scales (Dettmers et al. 2022, eq. 4),
optionally keeping outlier feature columns in floating point (the paper's mixed-precision
decomposition, section 3.2, threshold 6.0).

int4 values are stored one per int8 array entry here for readability; real kernels pack two
per byte, which is what ``quantized_bytes`` counts.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_array,
    as_float_array,
    check_axis,
    check_finite_result,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
    check_same_shape,
)

__all__ = [
    "quantize",
    "quantize_int8",
    "quantize_int4",
    "dequantize",
    "quantization_error",
    "quantized_bytes",
    "int8_matmul",
]


def quantize(w, bits: int = 8, axis=-1):
    """Symmetric absmax quantization of ``w`` to signed ``bits``-bit integers.

    Parameters
    ----------
    w : array_like of shape (...), float32 or float64, finite
        Weights, e.g. a (d_in, d_out) matrix of the row-vector convention y = x @ W.
    bits : int
        2 to 8. q_max = 2^(bits-1) - 1.
    axis : int or None
        The channel axis: one scale per index along ``axis`` (the maximum is taken over all
        other axes). The default -1 gives one scale per output column of a (d_in, d_out)
        weight. None: a single scale for the whole tensor.

    Returns
    -------
    q : ndarray, same shape as ``w``, int8, values in [-q_max, q_max]
    scale : ndarray, float (dtype of ``w``), shape of ``w`` with every axis except ``axis``
        reduced to 1 (all axes 1 if ``axis`` is None), so ``q * scale`` broadcasts back.
        An all-zero channel gets scale 1 (its q is 0, so w_hat is 0 exactly).
    """
    w = as_float_array(w, "w")
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)) or not 2 <= bits <= 8:
        raise ValueError(f"bits must be an integer from 2 to 8, got {bits!r}")
    if w.ndim == 0:
        raise ValueError("w is a scalar; quantize needs an array of weights")
    q_max = 2 ** (int(bits) - 1) - 1
    if axis is None:
        reduce_axes = tuple(range(w.ndim))
    else:
        axis = check_axis(axis, w.ndim)
        reduce_axes = tuple(a for a in range(w.ndim) if a != axis)
    if w.size == 0:
        raise ValueError(f"w has shape {w.shape}: no weights to quantize")
    amax = np.max(np.abs(w), axis=reduce_axes, keepdims=True)  # (1, ..., C, ..., 1)
    scale = np.where(amax > 0, amax / q_max, 1.0).astype(w.dtype)  # same shape as amax
    q = np.clip(np.round(w / scale), -q_max, q_max).astype(np.int8)  # same shape as w
    return q, scale


def quantize_int8(w, axis=-1):
    """Per-channel symmetric int8 quantization (q in [-127, 127]); see ``quantize``."""
    return quantize(w, bits=8, axis=axis)


def quantize_int4(w, axis=-1):
    """Per-channel symmetric int4 quantization (q in [-7, 7], stored as int8); see ``quantize``."""
    return quantize(w, bits=4, axis=axis)


def dequantize(q, scale) -> np.ndarray:
    """Reconstruct w_hat = q * scale.

    Parameters
    ----------
    q : array_like of integers, shape (...)
    scale : array_like of float, broadcastable to ``q`` (as returned by ``quantize``)

    Returns
    -------
    w_hat : ndarray of shape ``q.shape``, dtype of ``scale`` (float32 or float64).
    """
    q = as_array(q, "q")
    if q.dtype.kind not in "iu":
        raise TypeError(f"q must be an integer array, got dtype {q.dtype}")
    scale = as_float_array(scale, "scale")
    if np.any(scale <= 0):
        raise ValueError("scale must be positive")
    try:
        shape = np.broadcast(q, scale).shape
    except ValueError:
        raise ValueError(f"scale has shape {scale.shape}, which does not broadcast to q's "
                         f"shape {q.shape}") from None
    if shape != q.shape:
        raise ValueError(f"scale has shape {scale.shape}, which would enlarge q's shape {q.shape}")
    return check_finite_result(q.astype(scale.dtype) * scale, "w_hat = q * scale", "scale is")


def quantization_error(w, w_hat) -> dict:
    """Error measures between weights ``w`` and their reconstruction ``w_hat``.

    Parameters
    ----------
    w, w_hat : array_like of the same shape, float

    Returns
    -------
    dict with float entries
        ``max_abs``: max |w - w_hat|; ``rmse``: sqrt(mean (w - w_hat)^2);
        ``relative``: ||w - w_hat||_F / ||w||_F (0 if w is all zero and w_hat equals it);
        ``snr_db``: 10 log10(sum w^2 / sum (w - w_hat)^2), inf for an exact reconstruction.
    """
    w = as_float_array(w, "w", dtype=np.float64)
    w_hat = as_float_array(w_hat, "w_hat", dtype=np.float64)
    check_same_shape(w, "w", w_hat, "w_hat")
    # Powers of two factor out exactly: measure w / 2^e so that no square can overflow.
    largest = max(float(np.max(np.abs(w))), float(np.max(np.abs(w_hat)))) if w.size else 0.0
    e = int(np.frexp(largest)[1]) if largest > 2.0 ** 500 else 0
    w, w_hat = np.ldexp(w, -e), np.ldexp(w_hat, -e)
    err = w - w_hat
    err_energy = float(np.sum(err ** 2))
    signal_energy = float(np.sum(w ** 2))
    relative = np.sqrt(err_energy / signal_energy) if signal_energy > 0 else (
        0.0 if err_energy == 0 else float("inf"))
    snr_db = float("inf") if err_energy == 0 else 10.0 * np.log10(signal_energy / err_energy)
    with np.errstate(over="ignore"):
        max_abs = float(np.ldexp(np.max(np.abs(err)), e)) if err.size else 0.0
        rmse = float(np.ldexp(np.sqrt(np.mean(err ** 2)), e)) if err.size else 0.0
    if not np.isfinite(max_abs):
        raise ValueError("w - w_hat exceeds the float range: w and w_hat are too large")
    return {
        "max_abs": max_abs,
        "rmse": rmse,
        "relative": float(relative),
        "snr_db": float(snr_db),
    }


def quantized_bytes(shape, bits: int, n_scales: int, scale_bytes: int = 2) -> int:
    """Storage for a quantized tensor: packed ``bits``-bit values plus the scales.

    Parameters
    ----------
    shape : tuple of int
        Shape of the weight tensor.
    bits : int
        Bits per value (values are packed, e.g. two int4 per byte; rounded up to whole bytes).
    n_scales : int
        Number of scales stored (e.g. d_out for per-column scales).
    scale_bytes : int
        Bytes per scale (2 for fp16 scales, the common choice).
    """
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape must be a tuple of ints, got {type(shape).__name__}")
    dims = [check_nonnegative_int(n, "shape entry") for n in shape]
    bits = check_positive_int(bits, "bits")
    n_scales = check_nonnegative_int(n_scales, "n_scales")
    scale_bytes = check_positive_int(scale_bytes, "scale_bytes")
    n_values = int(np.prod(dims, dtype=np.int64))
    return (n_values * bits + 7) // 8 + n_scales * scale_bytes


def int8_matmul(x, w, *, outlier_threshold=None):
    """Compute x @ w with int8 operands, LLM.int8()-style (Dettmers et al. 2022).

    Rows of ``x`` (tokens) and columns of ``w`` (output channels) get their own absmax
    scales; the int8 product is accumulated in int64 and rescaled by ``s_x s_w^T``. With
    ``outlier_threshold`` (the paper uses 6.0), feature columns of ``x`` holding any
    |value| >= threshold, and the matching rows of ``w``, are multiplied in floating point
    instead (the mixed-precision decomposition, section 3.2).

    Parameters
    ----------
    x : array_like of shape (T, d_in), float
    w : array_like of shape (d_in, d_out), float
    outlier_threshold : float or None

    Returns
    -------
    y : ndarray of shape (T, d_out), float64 (float32 if both inputs are float32)
    """
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[0]:
        raise ValueError(f"x has shape {x.shape} and w has shape {w.shape}; expected "
                         "(T, d_in) and (d_in, d_out)")
    dtype = np.float32 if (x.dtype == np.float32 and w.dtype == np.float32) else np.float64
    outlier = np.zeros(x.shape[1], dtype=bool)  # (d_in,)
    if outlier_threshold is not None:
        threshold = check_positive_float(outlier_threshold, "outlier_threshold")
        outlier = np.any(np.abs(x) >= threshold, axis=0)  # (d_in,)
    regular = ~outlier
    y = x[:, outlier].astype(np.float64) @ w[outlier].astype(np.float64)  # (T, d_out) fp part
    if np.any(regular) and x.shape[0] > 0 and w.shape[1] > 0:
        q_x, s_x = quantize_int8(x[:, regular], axis=0)  # (T, n_regular), scales (T, 1)
        q_w, s_w = quantize_int8(w[regular], axis=1)  # (n_regular, d_out), scales (1, d_out)
        acc = q_x.astype(np.int64) @ q_w.astype(np.int64)  # (T, d_out), exact integer sums
        y = y + acc * (s_x.astype(np.float64) * s_w.astype(np.float64))  # rescale by s_x s_w^T
    return check_finite_result(y.astype(dtype), "x @ w", "x or w is")
