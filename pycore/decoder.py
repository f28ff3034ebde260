"""A GPT-style decoder-only language model, forward and backward, with a KV cache.

    x_0 = E[ids] (+ P[positions] for learned or sinusoidal positions)       (B, T, d_model)
    x_l = Block_l(x_{l-1}),  l = 1 .. L  (causal self-attention + FFN)      (B, T, d_model)
    logits = FinalNorm(x_L) W_out,  W_out = E^T if tied                      (B, T, V)

(Radford et al. 2018/2019, GPT and GPT-2; Vaswani et al. 2017, section 3.4 for the tied
embedding: "we share the same weight matrix between the two embedding layers and the
pre-softmax linear transformation"). Post-norm models have no final norm: every block
already ends in one.

``decoder_forward`` / ``decoder_backward`` are the functional pair used by training; the
``DecoderLM`` class wraps them with the interface the decoding code uses.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_float_array,
    as_int_array,
    check_cache,
    check_finite_gradients,
    check_finite_result,
    check_ndim,
)
from .block import block_backward, block_forward, check_block_cache, norm_backward, norm_forward
from .config import TransformerConfig
from .embedding import embedding_backward, embedding_forward
from .kv_cache import KVCache
from .params import check_params, init_params
from .positions import sinusoidal_positions

__all__ = ["DecoderLM", "decoder_forward", "decoder_backward", "embed_forward",
           "embed_backward", "check_ids"]


def check_ids(ids, config: TransformerConfig, past: int = 0, name: str = "ids"):
    """Validate token ids of shape (B, T) against V and max_len; return them as int64."""
    ids = as_int_array(ids, name)
    check_ndim(ids, name, ndim=2, expected="(B, T); use ids[None, :] for a single sequence")
    B, T = ids.shape
    if B == 0 or T == 0:
        raise ValueError(f"{name} has shape {ids.shape}; B and T must be >= 1")
    if ids.min() < 0 or ids.max() >= config.vocab_size:
        raise ValueError(f"{name} must lie in [0, V={config.vocab_size}); got values in "
                         f"[{ids.min()}, {ids.max()}]")
    if past + T > config.max_len:
        raise ValueError(f"{name} has T={T} new tokens after {past} cached ones: {past + T} "
                         f"exceeds max_len={config.max_len}")
    return ids


def embed_forward(ids, params, config: TransformerConfig, past: int = 0):
    """Token embedding plus absolute positions (learned or sinusoidal) for positions past..."""
    T = ids.shape[1]
    positions = past + np.arange(T)  # (T,) absolute positions
    x, cache = embedding_forward(ids, params["tokens"])  # (B, T, d_model)
    if config.positional == "learned":
        x = x + params["positions"][positions]  # (B, T, d_model), broadcast over B
    elif config.positional == "sinusoidal":
        table = sinusoidal_positions(past + T, config.d_model)[past:]  # (T, d_model)
        x = x + table.astype(x.dtype)
    return x, {"embedding": cache, "positions": positions, "positional": config.positional}


def embed_backward(dx, ecache, params):
    """Gradients of ``embed_forward`` for ``tokens`` (V, d_model) and ``positions``."""
    grads = {"tokens": embedding_backward(dx, ecache["embedding"])}
    if ecache["positional"] == "learned":
        dP = np.zeros_like(params["positions"])  # (max_len, d_model)
        dP[ecache["positions"]] = dx.sum(axis=0)  # positions are distinct: plain assignment
        grads["positions"] = dP
    return grads


def decoder_forward(params, config: TransformerConfig, ids, *, cache: KVCache = None,
                    return_diagnostics: bool = False):
    """Logits of a decoder-only LM, plus everything ``decoder_backward`` needs.

    Parameters
    ----------
    params : dict, as from ``init_params(config)``
    config : TransformerConfig
    ids : int array of shape (B, T)
    cache : KVCache, optional
        Appended to; the positions continue from ``cache.length``.
    return_diagnostics : bool
        Keep per-layer attention weights and residual-stream snapshots in the cache.

    Returns
    -------
    logits : ndarray of shape (B, T, V), dtype of the params
    fcache : dict (``"attention"``: list of (B, h, T, S), ``"residuals"``: list of L + 1
    arrays (B, T, d_model), if ``return_diagnostics``).
    """
    check_params(params, config, "decoder")
    if cache is not None and not isinstance(cache, KVCache):
        raise TypeError(f"cache must be a KVCache (model.new_cache()), got {type(cache).__name__}")
    past = 0 if cache is None else cache.length
    ids = check_ids(ids, config, past)
    if cache is not None:
        cache.check_append(ids.shape[0], ids.shape[1])
    x, ecache = embed_forward(ids, params, config, past)  # (B, T, d_model)
    positions = ecache["positions"]
    residuals, blocks = [x], []
    for i, layer in enumerate(params["layers"]):
        x, bc = block_forward(x, layer, config, causal=True, positions=positions,
                              cache=None if cache is None else cache.layers[i])
        blocks.append(bc)
        residuals.append(x)
    fcache = {"embed": ecache, "blocks": blocks, "config": config, "params": params}
    if cache is not None:
        fcache["cached"] = True
    if config.norm_position == "pre":
        x, fcache["final_norm"] = norm_forward(x, params["final_norm"], config.norm)
    fcache["h"] = x  # (B, T, d_model), input to the output projection
    W_out = params["tokens"].T if config.tie_embeddings else params["lm_head"]  # (d_model, V)
    logits = x @ W_out  # (B, T, V)
    check_finite_result(logits, "the logits", "params are")
    if return_diagnostics:
        fcache["diagnostics"] = {"attention": [bc["attn"]["weights"] for bc in blocks],
                                 "residuals": residuals}
    return logits, fcache


def decoder_backward(dlogits, fcache):
    """Backward of ``decoder_forward`` (without a cache).

    Parameters
    ----------
    dlogits : array_like of shape (B, T, V)
        dL/dlogits.
    fcache : dict from ``decoder_forward``.

    Returns
    -------
    grads : dict nested like the params, every array the shape of its parameter. (There is
    no dx: the input ids are integers.)
    """
    check_cache(fcache, "fcache", {"config": TransformerConfig, "params": dict, "blocks": list,
                                   "embed": dict, "h": np.ndarray}, "decoder_forward")
    for i, bc in enumerate(fcache["blocks"]):
        check_block_cache(bc, f"fcache['blocks'][{i}]")
    if fcache["config"].norm_position == "pre":
        check_cache(fcache, "fcache", {"final_norm": dict}, "decoder_forward")
    config, params = fcache["config"], fcache["params"]
    if "cached" in fcache:
        raise ValueError("this forward pass used a KV cache; run it without one to "
                         "differentiate (a cache is for inference)")
    h = fcache["h"]
    B, T, d_model = h.shape
    dlogits = as_float_array(dlogits, "dlogits", dtype=h.dtype)
    if dlogits.shape != (B, T, config.vocab_size):
        raise ValueError(f"dlogits has shape {dlogits.shape}, expected {(B, T, config.vocab_size)}")
    d2, h2 = dlogits.reshape(B * T, -1), h.reshape(B * T, d_model)  # (BT, V), (BT, d_model)
    grads = {}
    if config.tie_embeddings:
        dE_out = d2.T @ h2  # (V, d_model): the output projection's share of dE
        dx = dlogits @ params["tokens"]  # (B, T, d_model)
    else:
        grads["lm_head"] = h2.T @ d2  # (d_model, V)
        dx = dlogits @ params["lm_head"].T  # (B, T, d_model)
    layer_grads = []
    try:
        if config.norm_position == "pre":
            dx, grads["final_norm"] = norm_backward(dx, fcache["final_norm"], config.norm)
        for bc in reversed(fcache["blocks"]):
            dx, g = block_backward(dx, bc)
            layer_grads.append(g)
        grads["layers"] = layer_grads[::-1]
        grads.update(embed_backward(dx, fcache["embed"], params))
    except ValueError as exc:  # an overflow deep in a block: say which input caused it
        raise ValueError(f"backpropagating dlogits through the model failed: {exc}") from exc
    if config.tie_embeddings:
        grads["tokens"] = grads["tokens"] + dE_out
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
        if not isinstance(config, TransformerConfig):
            raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")
        self.config = config
        if params is None:
            params = init_params(config, seed, dtype=dtype)
        check_params(params, config, "decoder")
        self.params = params

    def forward(self, ids, cache: KVCache = None, return_diagnostics: bool = False):
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
        logits, fcache = decoder_forward(self.params, self.config, ids, cache=cache,
                                         return_diagnostics=return_diagnostics)
        return (logits, fcache["diagnostics"]) if return_diagnostics else logits

    __call__ = forward

    def new_cache(self, batch_size: int = 1) -> KVCache:
        """An empty KV cache for ``batch_size`` sequences (``cache.length`` = 0)."""
        return KVCache(self.config.n_layers, batch_size, max_len=self.config.max_len)

    def __repr__(self):
        return f"DecoderLM({self.config})"
