"""A bidirectional encoder and an encoder-decoder (Seq2Seq) model with cross-attention.

The encoder (Vaswani et al. 2017, section 3.1; BERT, Devlin et al. 2019) is the decoder's
stack without the causal mask: every token attends to every real token of its sequence. In a
padded batch a ``padding_mask`` (B, 1, 1, S) hides the padding keys.

The encoder-decoder (Vaswani et al. 2017, figure 1) encodes the source once into a "memory"
(B, S, d_model); every decoder block then adds a cross-attention sublayer whose queries come
from the target and whose keys and values come from the memory (section 3.2.3). When
decoding token by token, the memory's keys and values are projected once, on the first step,
and reused from the cache afterwards; the self-attention cache grows as in ``DecoderLM``.

The encoder-decoder's loss and hand-written gradients are in ``seq2seq_backprop.py``
(``seq2seq_loss_and_grads``); every piece it uses has its backward pass in its own module.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, as_int_array, check_ndim
from .block import block_forward, norm_forward
from .config import TransformerConfig
from .decoder import check_ids, embed_forward
from .kv_cache import KVCache, LayerKVCache
from .masks import padding_mask
from .params import check_params, init_params

__all__ = ["Encoder", "Seq2Seq", "Seq2SeqCache", "encoder_forward"]


def _source_mask(lengths, B, S, name="src_lengths"):
    """Padding mask (B, 1, 1, S) from lengths (B,), or None if every token is real."""
    if lengths is None:
        return None
    lengths = as_int_array(lengths, name)
    if lengths.shape != (B,):
        raise ValueError(f"{name} has shape {lengths.shape}, expected ({B},) for a batch "
                         f"of {B} sources of length {S}")
    if np.any(lengths < 1) or np.any(lengths > S):
        raise ValueError(f"{name} must lie in [1, S={S}] (each source has a real token), "
                         f"got {lengths.tolist()}")
    return padding_mask(lengths, S)  # (B, 1, 1, S)


def encoder_forward(params, config: TransformerConfig, ids, lengths=None, *,
                    names=("src_ids", "src_lengths")):
    """Encode token ids (B, S) into the memory (B, S, d_model).

    Returns
    -------
    memory : ndarray of shape (B, S, d_model)
    diagnostics : dict with ``"attention"`` (L arrays (B, h, S, S)) and ``"residuals"``.
    """
    ids = check_ids(ids, config, name=names[0])
    mask = _source_mask(lengths, *ids.shape, name=names[1])
    x, ecache = embed_forward(ids, params, config)  # (B, S, d_model)
    attention, residuals = [], [x]
    for layer in params["layers"]:
        x, bc = block_forward(x, layer, config, causal=False, mask=mask,
                              positions=ecache["positions"])
        attention.append(bc["attn"]["weights"])
        residuals.append(x)
    if config.norm_position == "pre":
        x = norm_forward(x, params["final_norm"], config.norm)[0]
    return x, {"attention": attention, "residuals": residuals}


class Encoder:
    """Bidirectional transformer encoder: ``Encoder(config, params=None, seed=0)``."""

    def __init__(self, config: TransformerConfig, params=None, seed: int = 0, *,
                 dtype=np.float64):
        if not isinstance(config, TransformerConfig):
            raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")
        self.config = config
        self.params = init_params(config, seed, kind="encoder", dtype=dtype) \
            if params is None else params
        check_params(self.params, config, "encoder")

    def forward(self, ids, lengths=None, return_diagnostics: bool = False):
        """Encode ids (B, S) (real lengths (B,) optional) into (B, S, d_model).

        Padding positions still get outputs (computed from the real tokens only); ignore them.
        """
        memory, diagnostics = encoder_forward(self.params, self.config, ids, lengths,
                                              names=("ids", "lengths"))
        return (memory, diagnostics) if return_diagnostics else memory

    __call__ = forward


class Seq2SeqCache(KVCache):
    """Decoder self-attention caches (``layers``) plus cross-attention caches (``cross``)."""

    def __init__(self, n_layers: int, batch_size: int = 1, max_len: int = None):
        super().__init__(n_layers, batch_size, max_len)
        self.cross = [LayerKVCache() for _ in range(n_layers)]  # filled on the first step


class Seq2Seq:
    """Encoder-decoder transformer: ``Seq2Seq(config, params=None, seed=0)``.

    ``params`` is ``{"encoder": ..., "decoder": ...}`` as ``init_params(config,
    kind="seq2seq")``; both stacks have ``config.n_layers`` blocks.
    """

    def __init__(self, config: TransformerConfig, params=None, seed: int = 0, *,
                 dtype=np.float64):
        if not isinstance(config, TransformerConfig):
            raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")
        self.config = config
        self.params = init_params(config, seed, kind="seq2seq", dtype=dtype) \
            if params is None else params
        check_params(self.params, config, "seq2seq")

    def encode(self, src_ids, src_lengths=None):
        """Memory (B, S, d_model) of the source ids (B, S); run once per source."""
        return encoder_forward(self.params["encoder"], self.config, src_ids, src_lengths)[0]

    def new_cache(self, batch_size: int = 1) -> Seq2SeqCache:
        return Seq2SeqCache(self.config.n_layers, batch_size, max_len=self.config.max_len)

    def decode(self, tgt_ids, memory, cache: Seq2SeqCache = None, src_lengths=None,
               return_diagnostics: bool = False):
        """Next-token logits (B, T, V) of the target given the encoder memory.

        Parameters
        ----------
        tgt_ids : int array of shape (B, T) (the new tokens only, when ``cache`` is given)
        memory : ndarray of shape (B, S, d_model), from ``encode``
        cache : Seq2SeqCache from ``new_cache``, optional
        src_lengths : int array (B,), optional
            Real source lengths: padding keys of the memory are masked.
        return_diagnostics : bool
            Also return ``{"attention": [L x (B, h, T, T_total)], "cross_attention":
            [L x (B, h, T, S)], "residuals": [...]}``.
        """
        c, p = self.config, self.params["decoder"]
        past = 0 if cache is None else cache.length
        tgt_ids = check_ids(tgt_ids, c, past, name="tgt_ids")
        memory = as_float_array(memory, "memory")
        check_ndim(memory, "memory", ndim=3, expected="(B, S, d_model)")
        if memory.shape[0] != tgt_ids.shape[0] or memory.shape[2] != c.d_model:
            raise ValueError(f"memory has shape {memory.shape}, expected ({tgt_ids.shape[0]}, S, "
                             f"{c.d_model}) for tgt_ids {tgt_ids.shape}")
        src_mask = _source_mask(src_lengths, memory.shape[0], memory.shape[1])
        if cache is not None:
            cache.check_append(tgt_ids.shape[0], tgt_ids.shape[1])
        x, ecache = embed_forward(tgt_ids, p, c, past)  # (B, T, d_model)
        diagnostics = {"attention": [], "cross_attention": [], "residuals": [x]}
        for i, layer in enumerate(p["layers"]):
            x, bc = block_forward(
                x, layer, c, causal=True, positions=ecache["positions"],
                cache=None if cache is None else cache.layers[i], memory=memory,
                memory_mask=src_mask, cross_cache=None if cache is None else cache.cross[i])
            diagnostics["attention"].append(bc["attn"]["weights"])
            diagnostics["cross_attention"].append(bc["cross"]["weights"])
            diagnostics["residuals"].append(x)
        if c.norm_position == "pre":
            x = norm_forward(x, p["final_norm"], c.norm)[0]
        W_out = p["tokens"].T if c.tie_embeddings else p["lm_head"]  # (d_model, V)
        logits = x @ W_out  # (B, T, V)
        return (logits, diagnostics) if return_diagnostics else logits

    def forward(self, src_ids, tgt_ids, src_lengths=None, return_diagnostics: bool = False):
        """Logits (B, T, V) for target ids (B, T) given source ids (B, S)."""
        memory = self.encode(src_ids, src_lengths)
        return self.decode(tgt_ids, memory, src_lengths=src_lengths,
                           return_diagnostics=return_diagnostics)

    __call__ = forward
