"""Backpropagation through an encoder-decoder (Seq2Seq): the loss and every parameter's gradient.

The model (Vaswani et al. 2017, figure 1 and section 3.2.3) computes

    memory = Encoder(src_ids)                         (B, S, d_model)
    logits = Decoder(tgt_in, memory)                  (B, T, V)
    L      = cross_entropy(logits, tgt_out)           mean over non-ignored targets

and the chain rule (Rumelhart, Hinton and Williams 1986) runs it backwards:

    cross_entropy <- output projection <- final norm <- decoder block L <- ... <- block 1
                  <- target embedding,

where every decoder block also returns dL/d(memory) from its cross-attention sublayer. The
memory feeds all L decoder blocks, so by the multivariate chain rule its gradient is the *sum*
of those L contributions (Goodfellow, Bengio and Courville 2016, section 6.5.2: a variable used
several times receives the sum of the gradients along every path). That sum then flows back

    dmemory -> encoder final norm -> encoder block L <- ... <- block 1 <- source embedding,

which is how the encoder learns at all: its only training signal arrives through the decoder's
cross-attention. Every link is the hand-written backward of the forward module that owns it
(block, multi_head, norms, feed_forward, embedding); this module only wires them together, as
``pycore.backprop.loss_and_grads`` does for a ``DecoderLM``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, as_float_array, as_int_array, check_ndim
from .block import block_backward, block_forward, norm_backward, norm_forward
from .config import TransformerConfig
from .decoder import check_ids, embed_backward, embed_forward
from .encoder import Seq2Seq, _source_mask
from .losses import cross_entropy_backward, cross_entropy_forward
from .params import check_params

__all__ = ["seq2seq_loss_and_grads", "seq2seq_forward", "seq2seq_backward"]


def _stack_forward(ids, params, config, *, causal, mask=None, memory=None, memory_mask=None):
    """Embedding, L blocks and (pre-norm) final norm of one stack, keeping every cache."""
    x, ecache = embed_forward(ids, params, config)  # (B, T, d_model)
    blocks = []
    for layer in params["layers"]:
        x, bc = block_forward(x, layer, config, causal=causal, mask=mask,
                              positions=ecache["positions"], memory=memory,
                              memory_mask=memory_mask)
        blocks.append(bc)
    norm_cache = None
    if config.norm_position == "pre":
        x, norm_cache = norm_forward(x, params["final_norm"], config.norm)  # (B, T, d_model)
    return x, {"embed": ecache, "blocks": blocks, "final_norm": norm_cache}


def seq2seq_forward(params, config: TransformerConfig, src_ids, tgt_in, src_lengths=None):
    """Logits (B, T, V) of an encoder-decoder, plus everything ``seq2seq_backward`` needs.

    Parameters
    ----------
    params : dict ``{"encoder": ..., "decoder": ...}`` as ``init_params(config, kind="seq2seq")``
    config : TransformerConfig
    src_ids : int array of shape (B, S)
    tgt_in : int array of shape (B, T)
        Decoder inputs (the target shifted right, starting with a start token).
    src_lengths : int array of shape (B,), optional
        Real source lengths; padding keys are masked in encoder self-attention and in every
        decoder cross-attention.

    Returns
    -------
    logits : ndarray of shape (B, T, V), dtype of the params
    cache : dict for ``seq2seq_backward``.
    """
    src_ids = check_ids(src_ids, config, name="src_ids")
    tgt_in = check_ids(tgt_in, config, name="tgt_in")
    B, S = src_ids.shape
    if tgt_in.shape[0] != B:
        raise ValueError(f"tgt_in has shape {tgt_in.shape} but src_ids has shape {src_ids.shape};"
                         " the batch sizes B must agree")
    src_mask = _source_mask(src_lengths, B, S)  # (B, 1, 1, S) or None
    enc, dec = params["encoder"], params["decoder"]
    memory, enc_cache = _stack_forward(src_ids, enc, config, causal=False,
                                       mask=src_mask)  # (B, S, d_model)
    h, dec_cache = _stack_forward(tgt_in, dec, config, causal=True, memory=memory,
                                  memory_mask=src_mask)  # (B, T, d_model)
    W_out = dec["tokens"].T if config.tie_embeddings else dec["lm_head"]  # (d_model, V)
    logits = h @ W_out  # (B, T, V)
    return logits, {"config": config, "params": params, "encoder": enc_cache,
                    "decoder": dec_cache, "h": h, "memory_shape": memory.shape}


def _stack_backward(dx, cache, params, config, *, cross):
    """Backward of ``_stack_forward``: (grads of the stack, dmemory summed over blocks or None)."""
    grads = {}
    if config.norm_position == "pre":
        dx, grads["final_norm"] = norm_backward(dx, cache["final_norm"], config.norm)
    dmemory = None
    layer_grads = []
    for bc in reversed(cache["blocks"]):
        if cross:
            (dx, dmem_block), g = block_backward(dx, bc)  # dmem_block (B, S, d_model)
            # The memory is read by every decoder block: its gradient is the sum over blocks.
            dmemory = dmem_block if dmemory is None else dmemory + dmem_block
        else:
            dx, g = block_backward(dx, bc)
        layer_grads.append(g)
    grads["layers"] = layer_grads[::-1]
    grads.update(embed_backward(dx, cache["embed"], params))
    return grads, dmemory


def seq2seq_backward(dlogits, cache):
    """Backward of ``seq2seq_forward``.

    Parameters
    ----------
    dlogits : array_like of shape (B, T, V)
        dL/dlogits.
    cache : dict from ``seq2seq_forward``.

    Returns
    -------
    grads : dict ``{"encoder": ..., "decoder": ...}`` nested like the params, every array the
    shape and dtype of its parameter.
    """
    config, params, h = cache["config"], cache["params"], cache["h"]
    dec = params["decoder"]
    B, T, d_model = h.shape
    dlogits = as_float_array(dlogits, "dlogits", dtype=h.dtype)
    check_ndim(dlogits, "dlogits", ndim=3, expected="(B, T, V)")
    if dlogits.shape != (B, T, config.vocab_size):
        raise ValueError(f"dlogits has shape {dlogits.shape}, expected {(B, T, config.vocab_size)}")
    d2, h2 = dlogits.reshape(B * T, -1), h.reshape(B * T, d_model)  # (BT, V), (BT, d_model)
    dec_grads = {}
    if config.tie_embeddings:
        dE_out = d2.T @ h2  # (V, d_model): the output projection's share of dE
        dh = dlogits @ dec["tokens"]  # (B, T, d_model)
    else:
        dec_grads["lm_head"] = h2.T @ d2  # (d_model, V)
        dh = dlogits @ dec["lm_head"].T  # (B, T, d_model)
    g, dmemory = _stack_backward(dh, cache["decoder"], dec, config, cross=True)
    dec_grads.update(g)
    if config.tie_embeddings:
        dec_grads["tokens"] = dec_grads["tokens"] + dE_out
    if dmemory is None:  # n_layers = 0 cannot be configured, but keep the shapes honest
        dmemory = np.zeros(cache["memory_shape"], dtype=h.dtype)
    enc_grads, _ = _stack_backward(dmemory, cache["encoder"], params["encoder"], config,
                                   cross=False)
    return {"encoder": enc_grads, "decoder": dec_grads}


def seq2seq_loss_and_grads(model, src_ids, tgt_in, tgt_out, *, src_lengths=None,
                           ignore_index=None, config: TransformerConfig = None):
    """Mean target cross-entropy of an encoder-decoder and its gradient for every parameter.

    Parameters
    ----------
    model : Seq2Seq, or a params dict ``{"encoder": ..., "decoder": ...}`` with ``config``
    src_ids : int array of shape (B, S)
        Source tokens (padding anywhere after ``src_lengths``).
    tgt_in : int array of shape (B, T)
        Decoder inputs: the target shifted right behind a start token (teacher forcing).
    tgt_out : int array of shape (B, T)
        The token each decoder position should predict.
    src_lengths : int array of shape (B,), optional
        Real source lengths; padded source keys are masked everywhere.
    ignore_index : int, optional
        Entries of ``tgt_out`` equal to it are left out of the mean (target padding).
    config : TransformerConfig, optional
        Required with a params dict; must equal ``model.config`` if given with a model.

    Returns
    -------
    loss : float
    grads : dict ``{"encoder": ..., "decoder": ...}``, every array the shape of its parameter.
    """
    if isinstance(model, Seq2Seq):
        if config is not None and config != model.config:
            raise ValueError("config differs from the model's own config; pass one or the other")
        params, config = model.params, model.config
    else:
        if not isinstance(config, TransformerConfig):
            raise TypeError("pass a Seq2Seq, or a params dict together with config="
                            f"TransformerConfig(...); got config={config!r}")
        check_params(model, config, "seq2seq")
        params = model
    tgt_out = as_int_array(tgt_out, "tgt_out")
    tgt_in_shape = as_array(tgt_in, "tgt_in").shape
    if tgt_out.shape != tgt_in_shape:
        raise ValueError(f"tgt_out has shape {tgt_out.shape}, expected {tgt_in_shape} "
                         "(the shape of tgt_in)")
    logits, cache = seq2seq_forward(params, config, src_ids, tgt_in, src_lengths)  # (B, T, V)
    loss, lcache = cross_entropy_forward(logits, tgt_out, ignore_index)
    dlogits = cross_entropy_backward(1.0, lcache)  # (B, T, V)
    return loss, seq2seq_backward(dlogits, cache)
