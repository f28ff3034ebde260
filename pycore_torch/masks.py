"""Boolean attention masks on torch tensors (mirrors ``pycore.masks``).

True = this query may attend to this key, the meaning ``torch.nn.functional.
scaled_dot_product_attention`` gives a boolean ``attn_mask``. The causal mask is aligned to the
bottom right: with S keys and T queries, query i sits at position i + (S - T) and sees keys
j <= i + (S - T) (Vaswani et al. 2017, section 3.2.3). Note that torch's own ``is_causal=True``
aligns to the top left when T != S; pycore_torch always builds the bottom-right mask.
"""

from __future__ import annotations

import torch

from ._checks import as_int_tensor, check_ndim, check_positive_int

__all__ = ["causal_mask", "padding_mask"]


def causal_mask(T: int, S: int = None, *, device=None) -> torch.Tensor:
    """Causal mask for T queries over S keys (S defaults to T).

    Returns
    -------
    mask : bool tensor of shape (T, S): ``mask[i, j]`` is True iff j <= i + (S - T).

    Raises
    ------
    ValueError
        If T or S < 1, or S < T.
    """
    T = check_positive_int(T, "T")
    S = T if S is None else check_positive_int(S, "S")
    if S < T:
        raise ValueError(f"causal_mask needs S >= T (each query must see at least itself); "
                         f"got T={T}, S={S}")
    i = torch.arange(T, device=device)[:, None]  # (T, 1) query positions
    j = torch.arange(S, device=device)[None, :]  # (1, S) key positions
    return j <= i + (S - T)  # (T, S)


def padding_mask(lengths, T: int, *, device=None) -> torch.Tensor:
    """Key-padding mask: True for the first ``lengths[b]`` of T positions of sequence b.

    Parameters
    ----------
    lengths : int tensor or array of shape (B,), each in [1, T]
    T : int >= 1

    Returns
    -------
    mask : bool tensor of shape (B, 1, 1, T), broadcasting over heads and queries.
    """
    T = check_positive_int(T, "T")
    lengths = as_int_tensor(lengths, "lengths", device=device)
    check_ndim(lengths, "lengths", ndim=1, expected="(B,)")
    if bool((lengths < 1).any()) or bool((lengths > T).any()):
        raise ValueError(f"lengths must lie in [1, T={T}], got {lengths.tolist()}")
    positions = torch.arange(T, device=lengths.device)  # (T,)
    mask = positions[None, :] < lengths[:, None]  # (B, T)
    return mask[:, None, None, :]  # (B, 1, 1, T)
