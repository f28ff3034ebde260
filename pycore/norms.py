"""Layer normalisation and RMS normalisation over the last axis, forward and backward.

LayerNorm (Ba, Kiros and Hinton 2016, "Layer Normalization", section 3; as in
``torch.nn.functional.layer_norm``):
    mu = mean(x),  var = mean((x - mu)^2)   (biased variance),
    x_hat = (x - mu) / sqrt(var + eps),      y = gamma * x_hat + beta.
RMSNorm (Zhang and Sennrich 2019, "Root Mean Square Layer Normalization"; as in
``torch.nn.functional.rms_norm``):
    rms = sqrt(mean(x^2) + eps),  x_hat = x / rms,  y = weight * x_hat.
RMSNorm drops the mean-centring and the bias: cheaper, and empirically as good (Llama uses it).

Backward, with g = dy * gamma (or dy * weight) and means over the normalised axis of size d:
    LayerNorm: dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps),
    RMSNorm:   dx = (g - x_hat * mean(g * x_hat)) / rms,
    dgamma = sum over leading dims of dy * x_hat, dbeta = sum of dy.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_array,
    as_float_array,
    check_finite_gradients,
    check_finite_result,
    check_ndim,
    check_positive_float,
    check_saved,
    unbroadcast,
)

__all__ = [
    "layer_norm",
    "layer_norm_forward",
    "layer_norm_backward",
    "rms_norm",
    "rms_norm_forward",
    "rms_norm_backward",
    "NORM_SAVED_SPECS",
]

_OPTIONAL_ARRAY = (np.ndarray, type(None))
#: What each norm forward's saved dict holds (checked by the backward passes), by norm kind.
NORM_SAVED_SPECS = {
    "layer": {"x_hat": np.ndarray, "inv_std": np.ndarray, "gamma": _OPTIONAL_ARRAY,
              "beta": _OPTIONAL_ARRAY},
    "rms": {"x_hat": np.ndarray, "inv_rms": np.ndarray, "weight": _OPTIONAL_ARRAY},
}


def _robust_moments(x, eps, center: bool):
    """(x_hat, 1/sqrt(var + eps)) for rows too large to square in floating point.

    Each row is divided by a power of two near its largest entry (exact), normalised, and
    the factor is put back into the inverse standard deviation. eps is scaled with the
    row, which leaves it negligible, as it is for any row this large.
    """
    e = np.frexp(np.max(np.abs(x), axis=-1, keepdims=True))[1]  # (..., 1), max|row| < 2^e
    x_s = np.ldexp(x, -e)  # (..., d), entries below 1 in size
    if center:
        x_s = x_s - np.mean(x_s, axis=-1, keepdims=True)
    inv_s = 1.0 / np.sqrt(np.mean(x_s * x_s, axis=-1, keepdims=True)
                          + np.ldexp(x.dtype.type(eps), -2 * e))  # (..., 1)
    return (x_s * inv_s).astype(x.dtype), np.ldexp(inv_s, -e).astype(x.dtype)


def _check_input(x, params):
    """Validate x (..., d) and each named parameter (d,); return arrays of one dtype."""
    arrays = [as_array(x, "x")] + [as_array(p, n) for n, p in params.items() if p is not None]
    dtype = np.float32 if all(a.dtype == np.float32 for a in arrays) else np.float64
    x = as_float_array(x, "x", dtype=dtype)
    check_ndim(x, "x", min_ndim=1, expected="(..., d)")
    d = x.shape[-1]
    if d == 0:
        raise ValueError(f"x has shape {x.shape}: the normalised axis is empty")
    out = {}
    for name, p in params.items():
        if p is None:
            out[name] = None
            continue
        p = as_float_array(p, name, dtype=dtype)
        if p.shape != (d,):
            raise ValueError(f"{name} has shape {p.shape}, expected ({d},) to match x {x.shape}")
        out[name] = p
    return x, out


def layer_norm_forward(x, gamma=None, beta=None, eps: float = 1e-5):
    """LayerNorm over the last axis, returning the output and what its backward pass needs.

    Parameters
    ----------
    x : array_like of shape (..., d), float32 or float64
    gamma : array_like of shape (d,), optional
        Scale (default: ones, i.e. no scaling).
    beta : array_like of shape (d,), optional
        Shift (default: zeros).
    eps : float > 0
        Added to the variance (PyTorch's default 1e-5).

    Returns
    -------
    y : ndarray of shape (..., d), float32 only if every input is float32.
    saved : dict with ``"x_hat"`` (..., d), ``"inv_std"`` (..., 1), ``"gamma"``, ``"beta"``.
    """
    eps = check_positive_float(eps, "eps")
    x, p = _check_input(x, {"gamma": gamma, "beta": beta})
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is handled just below
        mu = np.mean(x, axis=-1, keepdims=True)  # (..., 1)
        var = np.mean((x - mu) ** 2, axis=-1, keepdims=True)  # (..., 1), biased as in the paper
        inv_std = 1.0 / np.sqrt(var + x.dtype.type(eps))  # (..., 1)
        x_hat = (x - mu) * inv_std  # (..., d)
    if not np.all(np.isfinite(var)):  # rows so large that their squares overflow
        x_hat, inv_std = _robust_moments(x, eps, center=True)
    y = x_hat
    if p["gamma"] is not None:
        y = y * p["gamma"]
    if p["beta"] is not None:
        y = y + p["beta"]
    check_finite_result(y, "layer_norm's output", "gamma or beta is")
    return y, {"x_hat": x_hat, "inv_std": inv_std, "gamma": p["gamma"], "beta": p["beta"]}


def layer_norm_backward(dout, saved):
    """Backward pass of ``layer_norm_forward``.

    Parameters
    ----------
    dout : array_like of shape (..., d)
        dL/dy.
    saved : dict from ``layer_norm_forward``.

    Returns
    -------
    dx : ndarray of shape (..., d)
    grads : dict
        ``{"gamma": (d,), "beta": (d,)}``; a key is present only if that parameter was passed.
    """
    check_saved(saved, "saved", NORM_SAVED_SPECS["layer"], "layer_norm_forward")
    x_hat, inv_std, gamma, beta = saved["x_hat"], saved["inv_std"], saved["gamma"], saved["beta"]
    dout = as_float_array(dout, "dout", dtype=x_hat.dtype)
    if dout.shape != x_hat.shape:
        raise ValueError(f"dout has shape {dout.shape}, expected {x_hat.shape} (the output's)")
    g = dout * gamma if gamma is not None else dout  # dL/dx_hat, (..., d)
    dx = inv_std * (g - np.mean(g, axis=-1, keepdims=True)
                    - x_hat * np.mean(g * x_hat, axis=-1, keepdims=True))  # (..., d)
    grads = {}
    if gamma is not None:
        grads["gamma"] = unbroadcast(dout * x_hat, gamma.shape)  # (d,)
    if beta is not None:
        grads["beta"] = unbroadcast(dout, beta.shape)  # (d,)
    return check_finite_gradients((dx, grads), "dout is", "the gradients")


def layer_norm(x, gamma=None, beta=None, eps: float = 1e-5) -> np.ndarray:
    """LayerNorm over the last axis (Ba et al. 2016); see ``layer_norm_forward``.

    Parameters
    ----------
    x : array_like of shape (..., d)
    gamma, beta : array_like of shape (d,), optional
    eps : float > 0

    Returns
    -------
    ndarray of shape (..., d): before gamma and beta, each row has mean 0 and variance ~1.
    """
    return layer_norm_forward(x, gamma, beta, eps)[0]


def rms_norm_forward(x, weight=None, eps: float = 1e-6):
    """RMSNorm over the last axis, returning the output and what its backward pass needs.

    Parameters
    ----------
    x : array_like of shape (..., d), float32 or float64
    weight : array_like of shape (d,), optional
        Per-feature gain (default: ones).
    eps : float > 0
        Added to the mean square (default 1e-6, as in Llama).

    Returns
    -------
    y : ndarray of shape (..., d)
    saved : dict with ``"x_hat"`` (..., d), ``"inv_rms"`` (..., 1), ``"weight"``.
    """
    eps = check_positive_float(eps, "eps")
    x, p = _check_input(x, {"weight": weight})
    with np.errstate(over="ignore"):  # overflow is handled just below
        mean_square = np.mean(x * x, axis=-1, keepdims=True)  # (..., 1)
    inv_rms = 1.0 / np.sqrt(mean_square + x.dtype.type(eps))  # (..., 1)
    x_hat = x * inv_rms  # (..., d)
    if not np.all(np.isfinite(mean_square)):  # rows so large that their squares overflow
        x_hat, inv_rms = _robust_moments(x, eps, center=False)
    y = x_hat * p["weight"] if p["weight"] is not None else x_hat
    check_finite_result(y, "rms_norm's output", "weight is")
    return y, {"x_hat": x_hat, "inv_rms": inv_rms, "weight": p["weight"]}


def rms_norm_backward(dout, saved):
    """Backward pass of ``rms_norm_forward``.

    Parameters
    ----------
    dout : array_like of shape (..., d)
    saved : dict from ``rms_norm_forward``.

    Returns
    -------
    dx : ndarray of shape (..., d)
    grads : dict ``{"weight": (d,)}`` (empty if no weight was passed).
    """
    check_saved(saved, "saved", NORM_SAVED_SPECS["rms"], "rms_norm_forward")
    x_hat, inv_rms, weight = saved["x_hat"], saved["inv_rms"], saved["weight"]
    dout = as_float_array(dout, "dout", dtype=x_hat.dtype)
    if dout.shape != x_hat.shape:
        raise ValueError(f"dout has shape {dout.shape}, expected {x_hat.shape} (the output's)")
    g = dout * weight if weight is not None else dout  # (..., d)
    dx = inv_rms * (g - x_hat * np.mean(g * x_hat, axis=-1, keepdims=True))  # (..., d)
    grads = {}
    if weight is not None:
        grads["weight"] = unbroadcast(dout * x_hat, weight.shape)  # (d,)
    return check_finite_gradients((dx, grads), "dout is", "the gradients")


def rms_norm(x, weight=None, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm over the last axis (Zhang and Sennrich 2019); see ``rms_norm_forward``.

    Parameters
    ----------
    x : array_like of shape (..., d)
    weight : array_like of shape (d,), optional
    eps : float > 0

    Returns
    -------
    ndarray of shape (..., d) whose rows have root-mean-square ~1 before the gain.
    """
    return rms_norm_forward(x, weight, eps)[0]
