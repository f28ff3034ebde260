"""Position information: sinusoidal encodings, rotary embeddings (RoPE) and ALiBi biases.

- Sinusoidal (Vaswani et al. 2017, section 3.5), original interleaved layout:
  PE[p, 2i] = sin(p / base^(2i/d)),  PE[p, 2i+1] = cos(p / base^(2i/d)).
  (Many codebases put all sines in the first half and cosines in the second; pycore does not.)
- RoPE (Su et al. 2021, "RoFormer", section 3.4.2, eq. 34): rotate each interleaved feature
  pair (x_2i, x_2i+1) at position p by the angle p * theta_i, theta_i = base^(-2i/d).
  Rotations preserve norms, and q_m . k_n depends only on m - n because
  R(m)^T R(n) = R(n - m) (section 3.2).
- ALiBi (Press, Smith and Lewis 2022, "Train Short, Test Long", section 3): no embedding at
  all; add -slope_h * distance to head h's attention scores. Slopes form a geometric sequence
  starting at 2^(-8/h) with the same ratio (h = 8: 1/2, 1/4, ..., 1/256).
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import (
    MAX_ITEMS,
    as_float_array,
    check_finite_result,
    check_ndim,
    check_positive_float,
    check_positive_int,
    check_size,
)

__all__ = [
    "sinusoidal_positions",
    "rope_angles",
    "apply_rope",
    "rope_backward",
    "alibi_slopes",
    "alibi_bias",
]


def sinusoidal_positions(T: int, d: int, base: float = 10000.0) -> np.ndarray:
    """Sinusoidal position encodings, interleaved layout (Vaswani et al. 2017, section 3.5).

    Parameters
    ----------
    T : int >= 1
        Number of positions (0 .. T - 1).
    d : int >= 2, even
        Encoding width (d_model).
    base : float > 0
        Wavelength base (10000 in the paper).

    Returns
    -------
    PE : ndarray of shape (T, d), float64, with PE[p, 2i] = sin(p * base^(-2i/d)) and
    PE[p, 2i+1] = cos(p * base^(-2i/d)).
    """
    T = check_positive_int(T, "T")
    d = _check_even_width(d, "d")
    check_size((T, d), "the encodings (T, d)")
    angles = rope_angles(np.arange(T), d, base)  # (T, d/2): the same angles RoPE uses
    pe = np.empty((T, d))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


def _check_even_width(d, name: str) -> int:
    """A feature width that splits into (sin, cos) or rotation pairs: an even int >= 2."""
    d = check_positive_int(d, name)
    if d % 2:
        raise ValueError(f"{name} must be even (features come in pairs), got {name}={d}")
    return d


def rope_angles(positions, d: int, base: float = 10000.0) -> np.ndarray:
    """Angles p * theta_i, theta_i = base^(-2i/d), for i = 0 .. d/2 - 1.

    Parameters
    ----------
    positions : array_like of shape (T,), int or float (finite)
    d : int >= 2, even
    base : float > 0, finite

    Returns
    -------
    ndarray of shape (T, d // 2), float64.
    """
    d = _check_even_width(d, "d")
    base = check_positive_float(base, "base")
    positions = as_float_array(positions, "positions", dtype=np.float64)
    check_ndim(positions, "positions", ndim=1, expected="(T,)")
    check_size((positions.shape[0], d // 2), "the angles (T, d / 2)")
    theta = base ** (-np.arange(0, d, 2) / d)  # (d/2,) frequencies: 1 down to ~1/base
    return positions[:, None] * theta[None, :]  # (T, d/2)


def _rotate(x, positions, base, sign, name):
    """Rotate interleaved pairs of x (..., T, d) by sign * angle(position)."""
    base = check_positive_float(base, "base")
    x = as_float_array(x, name)
    check_ndim(x, name, min_ndim=2, expected="(..., T, d)")
    T, d = x.shape[-2:]
    if d % 2 or d == 0:
        raise ValueError(f"{name} has shape {x.shape}: d={d} must be even and >= 2 (RoPE rotates "
                         "pairs)")
    if positions is None:
        positions = np.arange(T)
    positions = as_float_array(positions, "positions", dtype=np.float64)
    if positions.shape != (T,):
        raise ValueError(f"positions has shape {positions.shape}, expected ({T},) to match "
                         f"{name} {x.shape}")
    angles = rope_angles(positions, d, base)  # (T, d/2)
    cos = np.cos(angles).astype(x.dtype)  # (T, d/2)
    sin = (sign * np.sin(angles)).astype(x.dtype)  # (T, d/2)
    x_even, x_odd = x[..., 0::2], x[..., 1::2]  # (..., T, d/2) each
    out = np.empty_like(x)  # (..., T, d)
    out[..., 0::2] = x_even * cos - x_odd * sin  # 2-D rotation of each pair (eq. 34)
    out[..., 1::2] = x_even * sin + x_odd * cos
    return check_finite_result(out, f"the rotated {name}", f"{name} is")


def apply_rope(x, positions=None, base: float = 10000.0) -> np.ndarray:
    """Rotary position embedding (Su et al. 2021, eq. 34), applied to queries or keys.

    Parameters
    ----------
    x : array_like of shape (..., T, d), float32 or float64, d even
        Queries or keys (typically (B, h, T, d_head)).
    positions : array_like of shape (T,), optional
        Absolute position of each row (int, or float for interpolated positions);
        defaults to 0 .. T - 1. With a KV cache, pass the new tokens' positions.
    base : float > 0
        Frequency base (10000 in the paper).

    Returns
    -------
    ndarray of shape (..., T, d), same dtype as ``x``: pair (2i, 2i+1) at position p is
    rotated by p * base^(-2i/d). Norms are preserved.
    """
    return _rotate(x, positions, base, 1.0, "x")


def rope_backward(dout, positions=None, base: float = 10000.0) -> np.ndarray:
    """Backward of ``apply_rope``: the rotation is orthogonal, so dx = R^T dout = R(-angle) dout.

    Parameters
    ----------
    dout : array_like of shape (..., T, d)
        dL/d(apply_rope(x)).
    positions, base
        As passed to ``apply_rope``.

    Returns
    -------
    dx : ndarray of shape (..., T, d).
    """
    return _rotate(dout, positions, base, -1.0, "dout")


def _slopes_power_of_2(n: int) -> list:
    # start 2^(-8/n), ratio 2^(-8/n): slope_k = 2^(-8k/n). Writing the power directly (not as
    # repeated products) keeps slopes such as 1/256 exact.
    return [2.0 ** (-8.0 * k / n) for k in range(1, n + 1)]


def alibi_slopes(n_heads: int) -> np.ndarray:
    """ALiBi head slopes (Press et al. 2022, section 3).

    For h a power of 2: slope_k = 2^(-8k/h), k = 1 .. h (h = 8: 1/2, 1/4, ..., 1/256).
    Otherwise, as in the authors' reference code: the slopes for the closest power of 2
    below h (call it m), followed by every other slope of the 2m-head sequence (the 1st, 3rd,
    ...) until there are h.

    Parameters
    ----------
    n_heads : int, 1 <= n_heads <= 100,000

    Returns
    -------
    ndarray of shape (n_heads,), float64, all in (0, 1).
    """
    n_heads = check_positive_int(n_heads, "n_heads", max_value=MAX_ITEMS)
    m = 2 ** int(math.floor(math.log2(n_heads)))
    slopes = _slopes_power_of_2(m)
    if m < n_heads:
        slopes += _slopes_power_of_2(2 * m)[0::2][: n_heads - m]
    return np.array(slopes, dtype=np.float64)


def alibi_bias(n_heads: int, T: int, S: int | None = None) -> np.ndarray:
    """ALiBi additive score bias for T queries over S keys.

    Query i sits at absolute position i + (S - T) (the same alignment as ``causal_mask``), so
    bias[h, i, j] = -slope_h * |i + (S - T) - j|: 0 for the query's own position and
    -slope_h * (distance) for keys in the past. Future keys get the same penalty by distance;
    in a decoder they are masked out anyway, and in an encoder this is the symmetric variant.

    Parameters
    ----------
    n_heads : int >= 1
    T : int >= 1
        Number of queries.
    S : int >= 1, optional
        Number of keys (default T).

    Returns
    -------
    ndarray of shape (n_heads, T, S), float64; pass it as ``bias`` to attention on
    (B, h, T, d_head) inputs.
    """
    T = check_positive_int(T, "T")
    S = T if S is None else check_positive_int(S, "S")
    slopes = alibi_slopes(n_heads)  # (h,)
    check_size((n_heads, T, S), "the ALiBi bias (n_heads, T, S)")
    i = np.arange(T)[:, None] + (S - T)  # (T, 1) absolute query positions
    j = np.arange(S)[None, :]  # (1, S)
    distance = np.abs(i - j).astype(np.float64)  # (T, S)
    return -slopes[:, None, None] * distance[None, :, :]  # (h, T, S)
