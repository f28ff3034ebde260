"""Backpropagation through a whole DecoderLM: the loss and the gradient of every parameter.

Backpropagation (Rumelhart, Hinton and Williams 1986) is the chain rule applied in reverse
order: each forward function saved what its backward needs (``*_forward -> (out, saved)``),
and each backward maps dL/d(output) to dL/d(input) and dL/d(params). Here the chain is

    cross_entropy <- output projection <- final norm <- block L <- ... <- block 1 <- embedding,

every link written by hand in the module of its forward (losses, stack, block, multi_head,
feed_forward, norms, attention, positions, embedding). ``numerical_gradient`` is the finite-
difference check that every one of them is tested against.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_positive_float, check_real
from .config import TransformerConfig
from .decoder import DecoderLM, decoder_backward, decoder_forward
from .losses import cross_entropy_backward, cross_entropy_forward
from .params import check_params

__all__ = ["loss_and_grads", "numerical_gradient"]


def _unpack(model_or_params, config):
    if isinstance(model_or_params, DecoderLM):
        if config is not None and config != model_or_params.config:
            raise ValueError("config differs from the model's own config; pass one or the other")
        return model_or_params.params, model_or_params.config
    if not isinstance(config, TransformerConfig):
        raise TypeError("model_or_params must be a DecoderLM, or a params dict given with "
                        f"config=TransformerConfig(...); got {type(model_or_params).__name__} "
                        f"with config={config!r}")
    check_params(model_or_params, config, "decoder")
    return model_or_params, config


def loss_and_grads(model_or_params, ids, targets, *, config: TransformerConfig = None,
                   ignore_index=None):
    """Mean next-token cross-entropy and its gradient with respect to every parameter.

    Parameters
    ----------
    model_or_params : DecoderLM or dict of arrays
        With a params dict, ``config`` is required.
    ids : int array of shape (B, T)
        Input tokens.
    targets : int array of shape (B, T)
        The token that should follow each input position (usually ids shifted by one).
    config : TransformerConfig, optional
    ignore_index : int, optional
        Targets equal to it are left out of the mean (padding).

    Returns
    -------
    loss : float
    grads : dict nested like the params, every array the shape of its parameter.
    """
    params, config = _unpack(model_or_params, config)
    logits, saved = decoder_forward(params, config, ids)  # (B, T, V)
    loss, loss_saved = cross_entropy_forward(logits, targets, ignore_index)
    dlogits = cross_entropy_backward(1.0, loss_saved)  # (B, T, V)
    return loss, decoder_backward(dlogits, saved)


def numerical_gradient(f, x, h: float = 1e-6):
    """Central differences (f(x + h e_i) - f(x - h e_i)) / 2h for every entry of ``x``.

    ``x`` is a float64 array that ``f()`` reads; it is perturbed in place and restored.
    The error is O(h^2), about 1e-10 relative for smooth f in float64 (Goodfellow et al.
    2016, section 11.5). Cost: two evaluations of f per entry, so use tiny models.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of no arguments returning a float, got "
                        f"{type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("x must be a float64 NumPy array (finite differences need float64)")
    if not x.flags.c_contiguous or not x.flags.writeable:
        raise ValueError("x must be a writeable C-contiguous array (it is perturbed in place "
                         "through a flat view)")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x (shape {x.shape}) contains NaN or inf")
    h = check_positive_float(h, "h")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views: writes reach x and grad
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = _value(f, "f() at x + h e_i")
        flat[i] = old - h
        minus = _value(f, "f() at x - h e_i")
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * h)
        if not np.isfinite(gflat[i]) or flat[i] + h == flat[i]:
            raise ValueError(f"the difference quotient at index {i} is not usable: h={h} is too "
                             f"small or too large for x[{i}] = {old} (x + h must differ from x "
                             "and f must change by a finite amount)")
    return grad


def _value(f, where: str) -> float:
    """f() as a finite float; a NaN or a non-number would silently spoil the gradient."""
    try:
        return check_real(f(), where)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"f must return a finite real number: {exc}") from exc
