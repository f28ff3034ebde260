"""Boolean attention masks: causal (decoder) and padding (variable-length batches).

Convention (PyTorch's ``scaled_dot_product_attention``): True = this query may attend to this
key; False = blocked (its score becomes -inf before the softmax, so its weight is exactly 0).

The causal mask implements the decoder's "masked self-attention" (Vaswani et al. 2017,
section 3.2.3): position i may not look at positions after it. With S keys and T queries
(S >= T, e.g. S - T cached tokens before T new ones), query i sits at absolute position
i + (S - T) and may see keys j <= i + (S - T): the mask is aligned to the bottom-right.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_int_array, check_ndim, check_positive_int, check_size

__all__ = ["causal_mask", "padding_mask"]


def causal_mask(T: int, S: int | None = None) -> np.ndarray:
    """Causal (look-ahead) mask for T queries over S keys.

    Parameters
    ----------
    T : int >= 1
        Number of queries (rows).
    S : int >= T, optional
        Number of keys (columns); defaults to T. With S > T, the first S - T keys are earlier
        (e.g. cached) tokens that every query may see.

    Returns
    -------
    mask : ndarray of shape (T, S), dtype bool
        ``mask[i, j]`` is True iff j <= i + (S - T). For S = T this is the lower triangle
        including the diagonal.

    Raises
    ------
    ValueError
        If T or S is not positive, or S < T (the first queries would see no key at all).
    """
    T = check_positive_int(T, "T")
    S = T if S is None else check_positive_int(S, "S")
    if S < T:
        raise ValueError(f"causal_mask needs S >= T (each query must see at least itself); "
                         f"got T={T}, S={S}")
    check_size((T, S), "the mask (T, S)")
    offset = S - T
    i = np.arange(T)[:, None]  # (T, 1) query positions
    j = np.arange(S)[None, :]  # (1, S) key positions
    return j <= i + offset  # (T, S)


def padding_mask(lengths, T: int) -> np.ndarray:
    """Key-padding mask for a batch of sequences padded to length T.

    Parameters
    ----------
    lengths : array_like of int, shape (B,)
        Real length of each sequence, 1 <= lengths[b] <= T. Tokens at positions >= length
        are padding.
    T : int >= 1
        Padded sequence length.

    Returns
    -------
    mask : ndarray of shape (B, 1, 1, T), dtype bool
        True for real tokens. The singleton axes broadcast over heads and queries, so it can
        be passed directly as the ``mask`` of attention on (B, h, T, d_head) inputs.

    Raises
    ------
    ValueError
        If ``lengths`` is not 1-D, or any length is < 1 (a sequence with no real token would
        leave its attention rows fully masked) or > T.
    """
    T = check_positive_int(T, "T")
    lengths = as_int_array(lengths, "lengths")
    check_ndim(lengths, "lengths", ndim=1, expected="(B,)")
    check_size((lengths.shape[0], T), "the mask (B, T)")
    if np.any(lengths < 1) or np.any(lengths > T):
        raise ValueError(f"lengths must lie in [1, T={T}], got {lengths.tolist()}")
    positions = np.arange(T)  # (T,)
    mask = positions[None, :] < lengths[:, None]  # (B, T)
    return mask[:, None, None, :]  # (B, 1, 1, T)
