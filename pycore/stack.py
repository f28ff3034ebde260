"""The layer stack that every model here shares: embed, L blocks, final norm, output projection.

    x_0 = E[ids] (+ P[positions] for learned or sinusoidal positions)       (B, T, d_model)
    x_l = Block_l(x_{l-1}),  l = 1 .. L                                      (B, T, d_model)
    x   = FinalNorm(x_L)  (pre-norm models only)                            (B, T, d_model)
    logits = x W_out,  W_out = E^T if tied                                   (B, T, V)

(Radford et al. 2018/2019, GPT and GPT-2; Vaswani et al. 2017, section 3.4 for the tied
embedding: "we share the same weight matrix between the two embedding layers and the
pre-softmax linear transformation"). Post-norm models have no final norm: every block already
ends in one.

The decoder-only LM (``decoder.py``), the encoder (``encoder.py``) and both halves of the
encoder-decoder (``seq2seq.py``) are this stack with different options: causal or not, a
padding mask, a KV cache, an encoder output ("memory") for cross-attention. Each forward
returns ``(out, saved)``, and each backward reads ``saved``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_int_array, check_finite_result, check_ndim
from .block import block_backward, block_forward, norm_backward, norm_forward
from .config import TransformerConfig
from .embedding import embedding_backward, embedding_forward
from .positions import sinusoidal_positions

__all__ = ["check_ids", "embed_forward", "embed_backward", "stack_forward", "stack_backward",
           "output_forward", "output_backward", "stack_diagnostics"]


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
    """Token embedding plus absolute positions (learned or sinusoidal) for positions past...

    Returns
    -------
    x : ndarray of shape (B, T, d_model)
        The residual stream x_0.
    saved : dict
        For ``embed_backward``; ``saved["positions"]`` (T,) are the absolute positions.
    """
    T = ids.shape[1]
    positions = past + np.arange(T)  # (T,) absolute positions
    x, saved = embedding_forward(ids, params["tokens"])  # (B, T, d_model)
    if config.positional == "learned":
        x = x + params["positions"][positions]  # (B, T, d_model), broadcast over B
    elif config.positional == "sinusoidal":
        table = sinusoidal_positions(past + T, config.d_model)[past:]  # (T, d_model)
        x = x + table.astype(x.dtype)
    return x, {"embedding": saved, "positions": positions, "positional": config.positional}


def embed_backward(dx, saved, params):
    """Gradients of ``embed_forward`` for ``tokens`` (V, d_model) and ``positions``."""
    grads = {"tokens": embedding_backward(dx, saved["embedding"])}
    if saved["positional"] == "learned":
        dP = np.zeros_like(params["positions"])  # (max_len, d_model)
        dP[saved["positions"]] = dx.sum(axis=0)  # positions are distinct: plain assignment
        grads["positions"] = dP
    return grads


def stack_forward(ids, params, config: TransformerConfig, *, causal=True, mask=None,
                  cache=None, memory=None, memory_mask=None):
    """Embedding, L blocks and (pre-norm) final norm of one stack.

    Parameters
    ----------
    ids : int64 array of shape (B, T)
        Token ids, already checked by ``check_ids`` (the new tokens only, with a KV cache).
    params : dict
        One stack's parameters (``tokens``, ``layers``, ...; see ``pycore.params``).
    config : TransformerConfig
        The model's configuration.
    causal : bool
        Causal self-attention (decoders) or bidirectional (encoders).
    mask : bool array broadcastable to (B, h, T, S), optional
        Padding mask of the stack's own tokens.
    cache : KVCache, optional
        The KV cache (inference only): positions continue from ``cache.length``, each block
        appends to ``cache.layers[i]`` and, with memory, reuses ``cache.cross[i]``.
    memory : ndarray of shape (B, S_src, d_model), optional
        Encoder output that every block cross-attends to.
    memory_mask : bool array broadcastable to (B, h, T, S_src), optional
        Padding mask of the source.

    Returns
    -------
    x : ndarray of shape (B, T, d_model)
        The final residual stream (after the final norm, if any).
    saved : dict
        ``"embed"``, ``"blocks"`` (L dicts from ``block_forward``), ``"residuals"`` (L + 1
        arrays (B, T, d_model): the stream after the embedding and after each block),
        ``"final_norm"`` (pre-norm only), ``"x"`` (the returned x) and ``"cached"``.
    """
    past = 0 if cache is None else cache.length
    if cache is not None:
        cache.check_append(ids.shape[0], ids.shape[1])
    x, embed_saved = embed_forward(ids, params, config, past)  # (B, T, d_model)
    residuals, blocks = [x], []
    for i, layer in enumerate(params["layers"]):
        x, block_saved = block_forward(
            x, layer, config, causal=causal, mask=mask, positions=embed_saved["positions"],
            cache=None if cache is None else cache.layers[i], memory=memory,
            memory_mask=memory_mask,
            cross_cache=None if (cache is None or memory is None) else cache.cross[i])
        blocks.append(block_saved)
        residuals.append(x)
    saved = {"embed": embed_saved, "blocks": blocks, "residuals": residuals,
             "cached": cache is not None}
    if config.norm_position == "pre":
        x, saved["final_norm"] = norm_forward(x, params["final_norm"], config.norm)
    saved["x"] = x  # (B, T, d_model), the input of the output projection
    return x, saved


def stack_backward(dx, saved, params, config: TransformerConfig):
    """Backward of ``stack_forward``.

    Returns
    -------
    grads : dict
        Nested like the stack's params (``final_norm``, ``layers``, ``tokens``, ...).
    dmemory : ndarray of shape (B, S_src, d_model), or None
        The memory feeds every block, so its gradient is the sum over the blocks
        (Goodfellow, Bengio and Courville 2016, section 6.5.2); None without memory.
    """
    grads = {}
    if config.norm_position == "pre":
        dx, grads["final_norm"] = norm_backward(dx, saved["final_norm"], config.norm)
    dmemory = None
    layer_grads = []
    for block_saved in reversed(saved["blocks"]):
        dx, dmem_block, g = block_backward(dx, block_saved)  # dmem_block (B, S_src, d_model)
        if dmem_block is not None:
            dmemory = dmem_block if dmemory is None else dmemory + dmem_block
        layer_grads.append(g)
    grads["layers"] = layer_grads[::-1]
    grads.update(embed_backward(dx, saved["embed"], params))
    return grads, dmemory


def output_forward(x, params, config: TransformerConfig):
    """Logits (B, T, V) = x (B, T, d_model) @ W_out, W_out = E^T if tied else ``lm_head``."""
    W_out = params["tokens"].T if config.tie_embeddings else params["lm_head"]  # (d_model, V)
    logits = x @ W_out  # (B, T, V)
    return check_finite_result(logits, "the logits", "params are")


def output_backward(dlogits, saved, params, config: TransformerConfig):
    """Backward of ``output_forward`` and then of the whole stack below it.

    Parameters
    ----------
    dlogits : float array of shape (B, T, V)
        dL/dlogits, already checked against the logits' shape.
    saved : dict
        From ``stack_forward``.
    params : dict
        The stack's parameters.
    config : TransformerConfig
        The model's configuration.

    Returns
    -------
    grads : dict
        Nested like the stack's params; with tied embeddings ``tokens`` sums the embedding's
        and the output projection's shares.
    dmemory : ndarray of shape (B, S_src, d_model), or None
        As for ``stack_backward``.
    """
    x = saved["x"]
    B, T, d_model = x.shape
    d2, x2 = dlogits.reshape(B * T, -1), x.reshape(B * T, d_model)  # (BT, V), (BT, d_model)
    grads = {}
    if config.tie_embeddings:
        dE_out = d2.T @ x2  # (V, d_model): the output projection's share of dE
        dx = dlogits @ params["tokens"]  # (B, T, d_model)
    else:
        grads["lm_head"] = x2.T @ d2  # (d_model, V)
        dx = dlogits @ params["lm_head"].T  # (B, T, d_model)
    stack_grads, dmemory = stack_backward(dx, saved, params, config)
    grads.update(stack_grads)
    if config.tie_embeddings:
        grads["tokens"] = grads["tokens"] + dE_out
    return grads, dmemory


def stack_diagnostics(saved):
    """Per-layer attention weights and residual-stream snapshots of one ``stack_forward``.

    Returns
    -------
    dict
        ``"attention"``: L arrays (B, h, T, S); ``"residuals"``: L + 1 arrays (B, T, d_model);
        with memory also ``"cross_attention"``: L arrays (B, h, T, S_src).
    """
    blocks = saved["blocks"]
    diagnostics = {"attention": [b["attn"]["weights"] for b in blocks],
                   "residuals": saved["residuals"]}
    if blocks and blocks[0]["has_cross"]:
        diagnostics["cross_attention"] = [b["cross_attn"]["weights"] for b in blocks]
    return diagnostics
