"""Sinusoidal encodings, RoPE and ALiBi on tensors (mirrors ``pycore.positions``).

- Sinusoidal (Vaswani et al. 2017, section 3.5), interleaved: PE[p, 2i] = sin(p theta_i),
  PE[p, 2i+1] = cos(p theta_i), theta_i = base^(-2i/d).
- RoPE (Su et al. 2021, eq. 34): rotate each interleaved pair (x_2i, x_2i+1) at position p by
  p theta_i. This is pycore's convention; Llama's code rotates the halves (x_i, x_{i+d/2})
  instead, which is the same model up to a fixed permutation of W_q and W_k columns.
- ALiBi (Press et al. 2022, section 3): bias[h, i, j] = -slope_h |i + (S - T) - j|, slopes
  2^(-8k/h) for h a power of two (else the authors' interleaving).

Angles are computed in float64 and cast to the input's dtype, as pycore does, so float32
results agree with pycore to rounding.
"""

from __future__ import annotations

import math

import torch

from ._checks import as_float_tensor, check_ndim, check_positive_float, check_positive_int

__all__ = ["sinusoidal_positions", "rope_angles", "apply_rope", "alibi_slopes", "alibi_bias"]


def rope_angles(positions, d: int, base: float = 10000.0, *, device=None) -> torch.Tensor:
    """Angles p * base^(-2i/d) for i = 0 .. d/2 - 1: float64 tensor of shape (T, d // 2)."""
    positions = as_float_tensor(positions, "positions", dtype=torch.float64, device=device)
    check_ndim(positions, "positions", ndim=1, expected="(T,)")
    theta = base ** (-torch.arange(0, d, 2, dtype=torch.float64, device=positions.device) / d)
    return positions[:, None] * theta[None, :]  # (T, d/2)


def sinusoidal_positions(T: int, d: int, base: float = 10000.0, *, device=None,
                         dtype=torch.float64) -> torch.Tensor:
    """Sinusoidal position encodings, interleaved layout: tensor of shape (T, d)."""
    T = check_positive_int(T, "T")
    d = check_positive_int(d, "d")
    base = check_positive_float(base, "base")
    if d % 2:
        raise ValueError(f"d must be even (sin/cos pairs), got d={d}")
    angles = rope_angles(torch.arange(T), d, base, device=device)  # (T, d/2)
    pe = torch.stack([torch.sin(angles), torch.cos(angles)], dim=-1)  # (T, d/2, 2)
    return pe.reshape(T, d).to(dtype)  # (T, d): columns sin, cos, sin, cos, ...


def apply_rope(x, positions=None, base: float = 10000.0) -> torch.Tensor:
    """Rotate the interleaved feature pairs of ``x`` by position-dependent angles.

    Parameters
    ----------
    x : tensor of shape (..., T, d), d even
        Queries or keys, typically (B, h, T, d_head).
    positions : int tensor or array of shape (T,), optional
        Absolute positions (default 0 .. T - 1).
    base : float > 0

    Returns
    -------
    tensor of shape (..., T, d), same dtype and device as ``x``; norms preserved.
    """
    base = check_positive_float(base, "base")
    x = as_float_tensor(x, "x")
    check_ndim(x, "x", min_ndim=2, expected="(..., T, d)")
    T, d = x.shape[-2:]
    if d % 2:
        raise ValueError(f"x has shape {tuple(x.shape)}: d={d} must be even (RoPE rotates pairs)")
    if positions is None:
        positions = torch.arange(T)
    positions = as_float_tensor(positions, "positions", dtype=torch.float64, device=x.device)
    if tuple(positions.shape) != (T,):
        raise ValueError(f"positions has shape {tuple(positions.shape)}, expected ({T},) to "
                         f"match x {tuple(x.shape)}")
    angles = rope_angles(positions, d, base)  # (T, d/2)
    cos, sin = torch.cos(angles).to(x.dtype), torch.sin(angles).to(x.dtype)  # (T, d/2) each
    x_even, x_odd = x[..., 0::2], x[..., 1::2]  # (..., T, d/2) each
    rotated = torch.stack([x_even * cos - x_odd * sin,  # 2-D rotation of each pair (eq. 34)
                           x_even * sin + x_odd * cos], dim=-1)  # (..., T, d/2, 2)
    return rotated.flatten(-2)  # (..., T, d), pairs back in interleaved order


def _slopes_power_of_2(n: int) -> list:
    return [2.0 ** (-8.0 * k / n) for k in range(1, n + 1)]


def alibi_slopes(n_heads: int, *, device=None) -> torch.Tensor:
    """ALiBi head slopes (Press et al. 2022): float64 tensor of shape (n_heads,)."""
    n_heads = check_positive_int(n_heads, "n_heads")
    m = 2 ** int(math.floor(math.log2(n_heads)))
    slopes = _slopes_power_of_2(m)
    if m < n_heads:
        slopes += _slopes_power_of_2(2 * m)[0::2][: n_heads - m]
    return torch.tensor(slopes, dtype=torch.float64, device=device)


def alibi_bias(n_heads: int, T: int, S: int = None, *, device=None,
               dtype=torch.float64) -> torch.Tensor:
    """ALiBi score bias -slope_h |i + (S - T) - j|: tensor of shape (n_heads, T, S)."""
    T = check_positive_int(T, "T")
    S = T if S is None else check_positive_int(S, "S")
    slopes = alibi_slopes(n_heads, device=device)  # (h,)
    i = torch.arange(T, device=device)[:, None] + (S - T)  # (T, 1) absolute query positions
    j = torch.arange(S, device=device)[None, :]  # (1, S)
    distance = (i - j).abs().to(torch.float64)  # (T, S)
    return (-slopes[:, None, None] * distance[None, :, :]).to(dtype)  # (h, T, S)
