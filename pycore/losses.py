"""Cross-entropy loss of next-token prediction, forward and backward.

For logits z (N, V) and targets y (N,),

    L = -(1/N') sum_n log softmax(z_n)[y_n],

the mean over the N' positions whose target is not ``ignore_index`` (as
``torch.nn.functional.cross_entropy`` with reduction="mean"). Its gradient is the classic

    dL/dz_n = (softmax(z_n) - one_hot(y_n)) / N'   (0 for ignored positions)

(Goodfellow, Bengio and Courville 2016, *Deep Learning*, section 6.2.2.2): the softmax and the
log cancel, so the backward pass never divides by a probability that might underflow.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_float_array,
    as_int_array,
    check_int,
    check_ndim,
    check_real,
    check_saved,
)
from .softmax import log_softmax

__all__ = ["cross_entropy", "cross_entropy_forward", "cross_entropy_backward"]

SAVED_SPEC = {"logp": np.ndarray, "targets": np.ndarray, "keep": np.ndarray, "n_kept": int}


def cross_entropy_forward(logits, targets, ignore_index=None):
    """Mean cross-entropy and what its backward pass needs.

    Parameters
    ----------
    logits : array_like of shape (..., V), float32 or float64
        Unnormalised scores (e.g. (B, T, V) from ``DecoderLM.forward``).
    targets : array_like of int, shape (...)
        The correct id at each position, in [0, V), or ``ignore_index``.
    ignore_index : int, optional
        Positions whose target equals it contribute nothing (padding). PyTorch's default
        is -100; here the default is None (every position counts).

    Returns
    -------
    loss : float
    saved : dict for ``cross_entropy_backward``.

    Raises
    ------
    ValueError
        If the shapes disagree, a target lies outside [0, V), or every target is ignored
        (the mean over no positions is undefined; PyTorch returns NaN).
    """
    logits = as_float_array(logits, "logits")
    check_ndim(logits, "logits", min_ndim=1, expected="(..., V)")
    targets = as_int_array(targets, "targets")
    V = logits.shape[-1]
    if ignore_index is not None:
        ignore_index = check_int(ignore_index, "ignore_index")
    if targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets has shape {targets.shape}, expected {logits.shape[:-1]} "
                         f"(logits {logits.shape} without the last axis)")
    keep = np.ones(targets.shape, dtype=bool) if ignore_index is None \
        else targets != ignore_index  # (...,)
    kept = targets[keep]
    if kept.size == 0:
        raise ValueError("every target equals ignore_index: the mean loss over no positions "
                         "is undefined")
    if kept.min() < 0 or kept.max() >= V:
        raise ValueError(f"targets must lie in [0, V={V}) (or equal ignore_index="
                         f"{ignore_index}); got values in [{kept.min()}, {kept.max()}]")
    logp = log_softmax(logits, axis=-1)  # (..., V)
    safe = np.where(keep, targets, 0)  # (...,) any valid id where ignored; masked out below
    picked = np.take_along_axis(logp, safe[..., None], axis=-1)[..., 0]  # (...,) log p(y)
    n_kept = int(keep.sum())
    loss = -float(np.sum(picked[keep])) / n_kept
    if not np.isfinite(loss):
        raise ValueError(f"the loss overflowed (inf) although the logits are finite: logits "
                         f"(shape {logits.shape}) differ by more than the float range allows")
    return loss, {"logp": logp, "targets": safe, "keep": keep, "n_kept": n_kept}


def cross_entropy_backward(dloss, saved):
    """Gradient of the mean cross-entropy with respect to the logits.

    Parameters
    ----------
    dloss : float
        dL_total/dL (1.0 when the loss is the final objective).
    saved : dict from ``cross_entropy_forward``.

    Returns
    -------
    dlogits : ndarray of the logits' shape (..., V) and dtype.
    """
    check_saved(saved, "saved", SAVED_SPEC, "cross_entropy_forward")
    logp, targets, keep = saved["logp"], saved["targets"], saved["keep"]
    dloss = check_real(dloss, "dloss")
    dlogits = np.exp(logp)  # softmax, (..., V)
    np.put_along_axis(dlogits, targets[..., None],
                      np.take_along_axis(dlogits, targets[..., None], axis=-1) - 1, axis=-1)
    dlogits *= (keep[..., None] * (float(dloss) / saved["n_kept"])).astype(logp.dtype)
    return dlogits


def cross_entropy(logits, targets, ignore_index=None) -> float:
    """Mean cross-entropy of ``logits`` (..., V) against integer ``targets`` (...).

    See ``cross_entropy_forward``. A model that predicts uniformly scores log(V).
    """
    return cross_entropy_forward(logits, targets, ignore_index)[0]
