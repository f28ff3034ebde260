"""Elementwise activations used in transformer feed-forward layers, with their backward passes.

- ReLU: max(0, x) (Nair and Hinton 2010).
- GELU: x * Phi(x), Phi the standard normal CDF (Hendrycks and Gimpel 2016, "Gaussian Error
  Linear Units (GELUs)", section 2), exact form ``approximate="none"`` via erf, or their tanh
  approximation ``approximate="tanh"``:
  0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (used by GPT-2 and BERT).
- SiLU / Swish: x * sigmoid(x) (Hendrycks and Gimpel 2016; Ramachandran et al. 2017), the gate
  of SwiGLU (Shazeer 2020, "GLU Variants Improve Transformer").

Each ``f_backward(dy, x)`` returns dL/dx = dy * f'(x), given the forward input ``x``.
NumPy has no vectorised erf and pycore may not use SciPy, so the exact GELU maps Python's
``math.erf`` over the array (exact to machine precision, slower than the tanh form).
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import (
    as_array,
    as_float_array,
    check_choice,
    check_finite_result,
    check_same_shape,
    result_dtype,
)

__all__ = [
    "relu",
    "relu_backward",
    "gelu",
    "gelu_backward",
    "silu",
    "silu_backward",
    "sigmoid",
]

_GELU_FORMS = ("tanh", "none")
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_C = 0.044715
_erf = np.vectorize(math.erf, otypes=[np.float64])
# Beyond |x| = 1e5 the tanh form has saturated (tanh(u) = +-1 exactly): clipping x there
# changes no result and keeps x^3 from overflowing.
_TANH_CLIP = 1e5


def _pair(dy, x):
    """Validate (dy, x) for a backward pass: same shape, common dtype."""
    dtype = result_dtype(as_array(dy, "dy"), as_array(x, "x"))
    dy = as_float_array(dy, "dy", dtype=dtype)
    x = as_float_array(x, "x", dtype=dtype)
    check_same_shape(dy, "dy", x, "x")
    return dy, x


def relu(x) -> np.ndarray:
    """ReLU, max(0, x), elementwise.

    Parameters
    ----------
    x : array_like of any shape, float32 or float64 (finite)

    Returns
    -------
    ndarray, same shape and dtype as ``x``.
    """
    x = as_float_array(x, "x")
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def relu_backward(dy, x) -> np.ndarray:
    """dL/dx for ReLU: ``dy`` where x > 0, else 0 (subgradient 0 at x = 0, as PyTorch).

    Parameters
    ----------
    dy : array_like, same shape as ``x``
    x : array_like, the forward input

    Returns
    -------
    dx : ndarray, same shape as ``x``.
    """
    dy, x = _pair(dy, x)
    return dy * (x > 0)


def gelu(x, approximate: str = "tanh") -> np.ndarray:
    """GELU, x * Phi(x) (Hendrycks and Gimpel 2016).

    Parameters
    ----------
    x : array_like of any shape, float32 or float64 (finite)
    approximate : {"tanh", "none"}
        "none": exact, 0.5 x (1 + erf(x / sqrt 2)) (PyTorch's default).
        "tanh": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (GPT-2's form; the default
        here because it is fast in the browser). Both match ``torch.nn.functional.gelu``
        with the same ``approximate`` argument.

    Returns
    -------
    ndarray, same shape and dtype as ``x``.
    """
    check_choice(approximate, "approximate", _GELU_FORMS)
    x = as_float_array(x, "x")
    if approximate == "none":
        out = 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))
    else:
        # x * x * x rather than x**3: NumPy 2 computes a float32 cube via pow, ~100x slower.
        c = np.clip(x, -_TANH_CLIP, _TANH_CLIP)
        out = 0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (c + _GELU_TANH_C * c * c * c)))
    return out.astype(x.dtype, copy=False)


def gelu_backward(dy, x, approximate: str = "tanh") -> np.ndarray:
    """dL/dx for GELU with the same ``approximate`` as the forward pass.

    Exact: d/dx [x Phi(x)] = Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi).
    Tanh: with u = sqrt(2/pi)(x + 0.044715 x^3), t = tanh(u),
    d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2).

    Parameters
    ----------
    dy : array_like, same shape as ``x``
    x : array_like, the forward input
    approximate : {"tanh", "none"}

    Returns
    -------
    dx : ndarray, same shape as ``x``.
    """
    check_choice(approximate, "approximate", _GELU_FORMS)
    dy, x = _pair(dy, x)
    c = np.clip(x, -_TANH_CLIP, _TANH_CLIP)  # the derivative is exactly 0 or 1 beyond
    if approximate == "none":
        cdf = 0.5 * (1.0 + _erf(x / math.sqrt(2.0)))
        pdf = np.exp(-0.5 * c**2) / math.sqrt(2.0 * math.pi)
        grad = cdf + c * pdf
    else:
        t = np.tanh(_SQRT_2_OVER_PI * (c + _GELU_TANH_C * c * c * c))
        du_dx = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_C * c**2)
        grad = 0.5 * (1.0 + t) + 0.5 * c * (1.0 - t**2) * du_dx
    return check_finite_result((dy * grad).astype(x.dtype, copy=False), "dx", "dy is")


def sigmoid(x) -> np.ndarray:
    """Logistic sigmoid 1 / (1 + exp(-x)), computed without overflow for large |x|.

    Parameters
    ----------
    x : array_like of any shape, float32 or float64 (finite)

    Returns
    -------
    ndarray, same shape and dtype as ``x``, values in [0, 1].
    """
    x = as_float_array(x, "x")
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)


def silu(x) -> np.ndarray:
    """SiLU (Swish-1), x * sigmoid(x), elementwise; matches ``torch.nn.functional.silu``.

    Parameters
    ----------
    x : array_like of any shape, float32 or float64 (finite)

    Returns
    -------
    ndarray, same shape and dtype as ``x``.
    """
    x = as_float_array(x, "x")
    return x * sigmoid(x)


def silu_backward(dy, x) -> np.ndarray:
    """dL/dx for SiLU: dy * (s + x s (1 - s)), s = sigmoid(x).

    Parameters
    ----------
    dy : array_like, same shape as ``x``
    x : array_like, the forward input

    Returns
    -------
    dx : ndarray, same shape as ``x``.
    """
    dy, x = _pair(dy, x)
    s = sigmoid(x)
    return check_finite_result(dy * (s + x * s * (1.0 - s)), "dx", "dy is")
