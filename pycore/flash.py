"""FlashAttention's tiled online softmax, in NumPy (the algorithm, not the speed).

Dao, Fu, Ermon, Rudra and Re 2022, "FlashAttention: Fast and Memory-Efficient Exact Attention
with IO-Awareness", Algorithm 1. Attention is computed block by block: K and V are split into
blocks of B_c rows (outer loop), Q into blocks of B_r rows (inner loop). For each pair only a
(B_r, B_c) tile of scores exists. A running row maximum m, a running normaliser l and a
running normalised output O are kept per query row and corrected whenever a new block raises
the maximum (the "online softmax", Milakov and Gimelshein 2018):

    m_new = max(m, m_blk),  l_new = e^(m - m_new) l + e^(m_blk - m_new) rowsum(P_blk),
    O     = (l e^(m - m_new) O + e^(m_blk - m_new) P_blk V_blk) / l_new,
    P_blk = exp(S_blk - m_blk), S_blk = scale * Q_blk K_blk^T.

The result equals ``scaled_dot_product_attention`` up to rounding (about 1e-12 in float64),
while the extra memory is O(T * d + B_r * B_c) instead of the O(T_q * T_k) score matrix. On
a GPU this saves reads and writes to slow memory; in NumPy it only shows the memory saving.

Scores too large for the float range are handled as in ``scaled_dot_product_attention``:
the tiles hold t = s / 2^E (q, k and the scale divided by powers of two) and every exponential
is taken of 2^E times a difference of t, so huge finite inputs still give a finite result.

With ``causal=True`` the mask is ``causal_mask(T_q, T_k)`` (query i sees keys
j <= i + T_k - T_q), and tiles lying entirely in the future are skipped, as in the paper.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import check_finite_result, check_positive_int
from .attention import check_qkv, exp_scaled, score_operands, value_operand

__all__ = ["flash_attention"]


def flash_attention(q, k, v, *, block_size: int = 64, causal: bool = False) -> np.ndarray:
    """Exact attention softmax(q k^T / sqrt(d_k)) v by tiles, never forming the T_q x T_k matrix.

    Parameters
    ----------
    q : array_like of shape (..., T_q, d_k), float32 or float64
    k : array_like of shape (..., T_k, d_k)
    v : array_like of shape (..., T_k, d_v)
        Leading dims broadcast together, as in ``scaled_dot_product_attention``.
    block_size : int >= 1
        Tile size B_r = B_c (rows of Q and of K/V per tile). Any value gives the same result.
    causal : bool
        Apply the causal mask (requires T_k >= T_q so that every query sees a key).

    Returns
    -------
    out : ndarray of shape (..., T_q, d_v); float32 if q, k, v are all float32, else float64.

    Raises
    ------
    ValueError
        Wrong ranks, mismatched d_k / T_k, non-finite inputs, or causal with T_k < T_q.
    """
    block_size = check_positive_int(block_size, "block_size")
    q, k, v, batch = check_qkv(q, k, v)
    dtype = q.dtype.type
    T_q, d_k = q.shape[-2:]
    T_k, d_v = v.shape[-2:]
    if causal and T_k < T_q:
        raise ValueError(f"causal attention needs T_k >= T_q; got q {q.shape}, k {k.shape}")
    # scores / 2^E, with E = 0 unless the plain scores would overflow (see attention.py)
    q, k, c, E = score_operands(q, k, 1.0 / math.sqrt(d_k))
    scale = dtype(c)
    v, e_v = value_operand(v, T_k)  # v / 2^e_v, so the running sums cannot overflow either
    offset = T_k - T_q  # query i sits at absolute position i + offset (causal_mask's alignment)
    B_r = B_c = block_size

    # Running statistics per query row: O(T) memory (Algorithm 1, line 2).
    out = np.zeros(batch + (T_q, d_v), dtype=dtype)  # (..., T_q, d_v)
    l = np.zeros(batch + (T_q, 1), dtype=dtype)  # (..., T_q, 1) softmax normalisers
    m = np.full(batch + (T_q, 1), -np.inf, dtype=dtype)  # (..., T_q, 1) running maxima

    for j0 in range(0, T_k, B_c):  # outer loop over K/V tiles (line 5)
        k_blk = k[..., j0:j0 + B_c, :]  # (..., B_c, d_k)
        v_blk = v[..., j0:j0 + B_c, :]  # (..., B_c, d_v)
        cols = np.arange(j0, j0 + k_blk.shape[-2])  # (B_c,) key positions
        for i0 in range(0, T_q, B_r):  # inner loop over Q tiles (line 7)
            rows = np.arange(i0, min(i0 + B_r, T_q))  # (B_r,) query positions
            if causal and cols[0] > rows[-1] + offset:
                continue  # the whole tile is in the future of every query in it: skip
            q_blk = q[..., i0:i0 + B_r, :]  # (..., B_r, d_k)
            s = np.matmul(q_blk, np.swapaxes(k_blk, -1, -2)) * scale  # (..., B_r, B_c) (line 9)
            if causal:
                allowed = cols[None, :] <= rows[:, None] + offset  # (B_r, B_c)
                s = np.where(allowed, s, -np.inf)
            m_blk = np.max(s, axis=-1, keepdims=True)  # (..., B_r, 1) (line 10)
            # A row whose keys in this tile are all masked has m_blk = -inf; shifting by 0
            # instead makes its p exactly 0 without computing -inf - (-inf) = NaN.
            m_blk_safe = np.where(np.isfinite(m_blk), m_blk, 0)
            p = exp_scaled(s - m_blk_safe, E)  # (..., B_r, B_c)
            l_blk = np.sum(p, axis=-1, keepdims=True)  # (..., B_r, 1)
            m_old = m[..., i0:i0 + B_r, :]  # (..., B_r, 1)
            l_old = l[..., i0:i0 + B_r, :]  # (..., B_r, 1)
            m_new = np.maximum(m_old, m_blk)  # (line 11)
            m_new_safe = np.where(np.isfinite(m_new), m_new, 0)
            alpha = exp_scaled(m_old - m_new_safe, E)  # rescales the old statistics (0 if -inf)
            beta = exp_scaled(m_blk_safe - m_new_safe, E) * np.isfinite(m_blk)  # this tile
            l_new = alpha * l_old + beta * l_blk  # (..., B_r, 1)
            l_safe = np.where(l_new > 0, l_new, 1)  # rows that have seen no key yet stay 0
            out[..., i0:i0 + B_r, :] = (  # line 12, (..., B_r, d_v)
                l_old * alpha * out[..., i0:i0 + B_r, :] + beta * np.matmul(p, v_blk)
            ) / l_safe
            m[..., i0:i0 + B_r, :] = m_new  # line 13
            l[..., i0:i0 + B_r, :] = l_new
    if e_v:
        out = check_finite_result(np.ldexp(out, e_v), "flash_attention's output", "v is")
    return out
