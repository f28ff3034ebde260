"""Token embedding lookup, forward and backward.

An embedding is a (V, d_model) matrix E whose row t is the vector for token id t
(Vaswani et al. 2017, section 3.4). The lookup E[ids] equals one_hot(ids) @ E, so its
backward pass scatters the upstream gradient back into the rows that were used:
dE[t] = sum of dout over every position whose id is t (repeated ids accumulate, which is why
the scatter uses ``np.add.at`` rather than fancy-index assignment).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, as_int_array, check_finite_result, check_ndim, check_saved

__all__ = ["embedding", "embedding_forward", "embedding_backward"]


def embedding_forward(ids, E):
    """Look up rows of the embedding matrix.

    Parameters
    ----------
    ids : array_like of int, shape (...) (typically (B, T))
        Token ids, each in [0, V).
    E : array_like of shape (V, d_model), float32 or float64

    Returns
    -------
    out : ndarray of shape (..., d_model), dtype of ``E``.
    saved : dict with ``"ids"`` (int64 array) and ``"shape"`` (E's shape) for the backward.

    Raises
    ------
    TypeError
        If ``ids`` is not an integer array.
    ValueError
        If ``E`` is not 2-D or any id is outside [0, V).
    """
    E = as_float_array(E, "E")
    check_ndim(E, "E", ndim=2, expected="(V, d_model)")
    ids = as_int_array(ids, "ids")
    V = E.shape[0]
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        raise ValueError(f"ids must lie in [0, V={V}) for E of shape {E.shape}; got values in "
                         f"[{ids.min()}, {ids.max()}]")
    out = E[ids]  # (..., d_model)
    return out, {"ids": ids, "shape": E.shape, "dtype": E.dtype}


def embedding_backward(dout, saved) -> np.ndarray:
    """Gradient with respect to E of ``embedding_forward``.

    Parameters
    ----------
    dout : array_like of shape (..., d_model)
        dL/d(out).
    saved : dict from ``embedding_forward``.

    Returns
    -------
    dE : ndarray of shape (V, d_model); rows of unused ids are 0.
    """
    check_saved(saved, "saved", {"ids": np.ndarray, "shape": tuple, "dtype": object},
                "embedding_forward")
    if saved["dtype"] not in (np.float32, np.float64):
        raise TypeError(f"saved['dtype'] is {saved['dtype']!r}; embedding_forward stores E's "
                        "dtype, float32 or float64, there")
    if len(saved["shape"]) != 2:
        raise ValueError(f"saved['shape'] is {saved['shape']}; embedding_forward stores E's "
                         "shape (V, d_model) there")
    ids, (V, d_model) = saved["ids"], saved["shape"]
    dout = as_float_array(dout, "dout", dtype=saved["dtype"])
    if dout.shape != ids.shape + (d_model,):
        raise ValueError(f"dout has shape {dout.shape}, expected {ids.shape + (d_model,)}")
    dE = np.zeros((V, d_model), dtype=dout.dtype)
    np.add.at(dE, ids.reshape(-1), dout.reshape(-1, d_model))  # accumulate repeated ids
    return check_finite_result(dE, "dE", "dout is")


def embedding(ids, E) -> np.ndarray:
    """E[ids]: the embedding vectors of ``ids``, shape (..., d_model); see ``embedding_forward``."""
    return embedding_forward(ids, E)[0]
