"""Fused ("flash") attention through ``torch.nn.functional.scaled_dot_product_attention``.

Mirrors ``pycore.flash_attention`` (Dao et al. 2022, "FlashAttention", Algorithm 1): exact
softmax(q k^T / sqrt(d_k)) v computed tile by tile with an online softmax, never holding the
T_q x T_k matrix. pycore shows the algorithm in NumPy; here torch dispatches to a fused
kernel (FlashAttention-2 or memory-efficient attention on CUDA for float16/bfloat16 and, for
the memory-efficient kernel, float32; a C++ fallback elsewhere), which chooses its own tile
sizes, so ``block_size`` is accepted for signature parity and otherwise ignored.

Causal alignment: pycore's mask is bottom-right (query i sees keys j <= i + T_k - T_q).
torch's ``is_causal=True`` is top-left when T_q != T_k, so that case passes pycore's mask
explicitly (which rules out the FlashAttention kernel but keeps the numbers pycore's).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ._checks import check_positive_int
from .attention import check_qkv
from .masks import causal_mask

__all__ = ["flash_attention"]


def flash_attention(q, k, v, *, block_size: int = 64, causal: bool = False) -> torch.Tensor:
    """Exact attention by a fused kernel.

    Parameters
    ----------
    q : tensor of shape (..., T_q, d_k)
    k : tensor of shape (..., T_k, d_k)
    v : tensor of shape (..., T_k, d_v); leading dims broadcast
    block_size : int >= 1
        Accepted for parity with pycore; the kernel picks its own tiles.
    causal : bool
        Bottom-right causal mask (requires T_k >= T_q).

    Returns
    -------
    tensor of shape (..., T_q, d_v).
    """
    check_positive_int(block_size, "block_size")
    q, k, v = check_qkv(q, k, v)
    T_q, T_k = q.shape[-2], k.shape[-2]
    if causal and T_k < T_q:
        raise ValueError(f"causal attention needs T_k >= T_q; got q {tuple(q.shape)}, "
                         f"k {tuple(k.shape)}")
    batch = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    q = q.expand(*batch, *q.shape[-2:])  # (..., T_q, d_k), a view: fused kernels want equal dims
    k = k.expand(*batch, *k.shape[-2:])
    v = v.expand(*batch, *v.shape[-2:])
    if causal and T_q != T_k:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=causal_mask(T_q, T_k,
                                                                             device=q.device))
    return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
