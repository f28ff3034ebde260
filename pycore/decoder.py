"""A GPT-style decoder-only language model, forward and backward, with a KV cache.

The model is the shared stack of ``pycore.stack`` with causal self-attention:

    x_0 = E[ids] (+ positions),  x_l = Block_l(x_{l-1}),  logits = FinalNorm(x_L) W_out

(Radford et al. 2018/2019, GPT and GPT-2). ``decoder_forward`` / ``decoder_backward`` are the
functional pair used by training; the ``DecoderLM`` class wraps them with the interface the
decoding code uses.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_finite_gradients, check_saved
from .block import check_block_saved
from .config import TransformerConfig
from .kv_cache import KVCache
from .params import check_params, model_params
from .stack import (
    check_ids,
    embed_backward,
    embed_forward,
    output_backward,
    output_forward,
    stack_diagnostics,
    stack_forward,
)

__all__ = ["DecoderLM", "decoder_forward", "decoder_backward", "embed_forward",
           "embed_backward", "check_ids"]


def decoder_forward(params, config: TransformerConfig, ids, *, cache: KVCache | None = None,
                    return_diagnostics: bool = False):
    """Logits of a decoder-only LM, plus everything ``decoder_backward`` needs.

    Parameters
    ----------
    params : dict
        As from ``init_params(config)``.
    config : TransformerConfig
        The model's configuration.
    ids : int array of shape (B, T)
        Token ids.
    cache : KVCache, optional
        The KV cache, appended to; the positions continue from ``cache.length``.
    return_diagnostics : bool
        Keep per-layer attention weights and residual-stream snapshots in ``saved``.

    Returns
    -------
    logits : ndarray of shape (B, T, V), dtype of the params
        Next-token scores.
    saved : dict
        From ``stack_forward``, plus ``"config"``, ``"params"`` and, if
        ``return_diagnostics``, ``"diagnostics"`` (``"attention"``: list of (B, h, T, S),
        ``"residuals"``: list of L + 1 arrays (B, T, d_model)).
    """
    check_params(params, config, "decoder")
    if cache is not None and not isinstance(cache, KVCache):
        raise TypeError(f"cache must be a KVCache (model.new_cache()), got {type(cache).__name__}")
    ids = check_ids(ids, config, 0 if cache is None else cache.length)
    x, saved = stack_forward(ids, params, config, causal=True, cache=cache)  # (B, T, d_model)
    logits = output_forward(x, params, config)  # (B, T, V)
    saved.update(config=config, params=params)
    if return_diagnostics:
        saved["diagnostics"] = stack_diagnostics(saved)
    return logits, saved


def decoder_backward(dlogits, saved):
    """Backward of ``decoder_forward`` (without a KV cache).

    Parameters
    ----------
    dlogits : array_like of shape (B, T, V)
        dL/dlogits.
    saved : dict
        From ``decoder_forward``.

    Returns
    -------
    grads : dict
        Nested like the params, every array the shape of its parameter. (There is no dx:
        the input ids are integers.)
    """
    check_saved(saved, "saved", {"config": TransformerConfig, "params": dict, "blocks": list,
                                 "embed": dict, "x": np.ndarray, "cached": bool},
                "decoder_forward")
    for i, block_saved in enumerate(saved["blocks"]):
        check_block_saved(block_saved, f"saved['blocks'][{i}]")
    if saved["config"].norm_position == "pre":
        check_saved(saved, "saved", {"final_norm": dict}, "decoder_forward")
    config, params = saved["config"], saved["params"]
    if saved["cached"]:
        raise ValueError("this forward pass used a KV cache; run it without one to "
                         "differentiate (a KV cache is for inference)")
    B, T, _ = saved["x"].shape
    dlogits = as_float_array(dlogits, "dlogits", dtype=saved["x"].dtype)
    if dlogits.shape != (B, T, config.vocab_size):
        raise ValueError(f"dlogits has shape {dlogits.shape}, expected {(B, T, config.vocab_size)}")
    try:
        grads, _ = output_backward(dlogits, saved, params, config)
    except ValueError as exc:  # an overflow deep in a block: say which input caused it
        raise ValueError(f"backpropagating dlogits through the model failed: {exc}") from exc
    return check_finite_gradients(grads, "dlogits is")


class DecoderLM:
    """A GPT-style language model: ``DecoderLM(config, params=None, seed=0)``.

    Attributes
    ----------
    config : TransformerConfig
    params : dict of arrays (see ``pycore.params``); initialised from ``seed`` if not given.
    """

    def __init__(self, config: TransformerConfig, params=None, seed: int = 0, *,
                 dtype=np.float64):
        self.params = model_params(config, params, seed, kind="decoder", dtype=dtype)
        self.config = config

    def forward(self, ids, cache: KVCache | None = None, return_diagnostics: bool = False):
        """Next-token logits.

        Parameters
        ----------
        ids : int array of shape (B, T)
        cache : KVCache from ``new_cache``, optional
            If given, ``ids`` are the new tokens only; their keys and values are appended and
            the logits of the new positions (B, T_new, V) are returned.
        return_diagnostics : bool
            Also return ``{"attention": [L arrays (B, h, T, S)], "residuals": [L + 1 arrays
            (B, T, d_model)]}`` (the residual stream after the embedding and after each block).

        Returns
        -------
        logits : ndarray of shape (B, T, V), or ``(logits, diagnostics)``.
        """
        logits, saved = decoder_forward(self.params, self.config, ids, cache=cache,
                                        return_diagnostics=return_diagnostics)
        return (logits, saved["diagnostics"]) if return_diagnostics else logits

    __call__ = forward

    def new_cache(self, batch_size: int = 1) -> KVCache:
        """An empty KV cache for ``batch_size`` sequences (``cache.length`` = 0)."""
        return KVCache(self.config.n_layers, batch_size, max_len=self.config.max_len)

    def __repr__(self):
        """``DecoderLM(TransformerConfig(...))``."""
        return f"DecoderLM({self.config})"
