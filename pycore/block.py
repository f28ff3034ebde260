"""One transformer block: attention and feed-forward sublayers, each wrapped in norm + residual.

Post-norm, as in Vaswani et al. (2017, section 3.1, "LayerNorm(x + Sublayer(x))"):
    x = Norm1(x + Attn(x)),            out = Norm2(x + FFN(x)).
Pre-norm, as in GPT-2 (Radford et al. 2019, section 2.3) and analysed by Xiong et al. (2020):
    x = x + Attn(Norm1(x)),            out = x + FFN(Norm2(x)).
Both wrappings are written once, in ``sublayer_forward``, so a block is its sublayers in order
(as in nanoGPT's two-line ``Block.forward``). A decoder block of an encoder-decoder model has a
cross-attention sublayer between the two (Vaswani et al. 2017, section 3.2.3), wrapped the same
way, whose keys and values come from the encoder output ("memory").

Backward: a residual connection y = x + f(x) passes dy to x unchanged and adds f's backward,
which is why deep pre-norm stacks train stably: the gradient has a path with no layer on it.
"""

from __future__ import annotations

from ._validation import check_choice, check_finite_gradients, check_saved
from .config import NORMS, TransformerConfig
from .feed_forward import check_ffn_saved, feed_forward_backward, feed_forward_forward
from .multi_head import SAVED_SPEC as ATTENTION_SAVED_SPEC
from .multi_head import (
    cross_attention_backward,
    cross_attention_forward,
    multi_head_attention_backward,
    multi_head_attention_forward,
)
from .norms import (
    NORM_SAVED_SPECS,
    layer_norm_backward,
    layer_norm_forward,
    rms_norm_backward,
    rms_norm_forward,
)
from .params import check_layer_params

__all__ = ["norm_forward", "norm_backward", "sublayer_forward", "sublayer_backward",
           "block_forward", "block_backward", "block", "check_block_saved"]


def norm_forward(x, params, kind):
    """LayerNorm (``kind="layer"``, params gamma/beta) or RMSNorm (``"rms"``, params weight)."""
    if kind == "layer":
        return layer_norm_forward(x, params["gamma"], params["beta"])
    return rms_norm_forward(x, params["weight"])


def norm_backward(dout, saved, kind):
    """Backward of ``norm_forward``: (dx, grads keyed like the norm's params)."""
    if kind == "layer":
        return layer_norm_backward(dout, saved)
    return rms_norm_backward(dout, saved)


def sublayer_forward(x, sublayer, norm_params, config: TransformerConfig):
    """One residual sublayer: x + f(Norm(x)) (pre-norm) or Norm(x + f(x)) (post-norm).

    Parameters
    ----------
    x : ndarray of shape (B, T, d_model)
        The residual stream.
    sublayer : callable
        ``f(y) -> (out (B, T, d_model), saved)``: attention, cross-attention or FFN.
    norm_params : dict
        The norm's parameters.
    config : TransformerConfig
        Gives ``norm`` and ``norm_position``.

    Returns
    -------
    out : ndarray of shape (B, T, d_model)
        The residual stream after the sublayer.
    norm_saved : dict
        What ``norm_backward`` needs.
    f_saved : dict
        What the sublayer's backward needs.
    """
    if config.norm_position == "pre":
        y, norm_saved = norm_forward(x, norm_params, config.norm)  # (B, T, d_model)
        f_out, f_saved = sublayer(y)
        return x + f_out, norm_saved, f_saved
    f_out, f_saved = sublayer(x)
    out, norm_saved = norm_forward(x + f_out, norm_params, config.norm)
    return out, norm_saved, f_saved


def sublayer_backward(dout, norm_saved, f_backward, f_saved, *, kind, pre, grads, names):
    """Backward of ``sublayer_forward``.

    ``f_backward(d, f_saved)`` returns ``(d_in, *extra, f_grads)`` (``extra`` is dmemory for
    cross-attention). The norm's and the sublayer's gradients are stored in ``grads`` under
    ``names = (norm_name, sublayer_name)``, in the order they are computed.

    Returns
    -------
    dx : ndarray of shape (B, T, d_model)
        dL/dx: the residual path's dout plus the path through the sublayer.
    extra : list
        The sublayer's further input gradients (``[dmemory]`` or ``[]``).
    """
    norm_name, name = names
    if pre:  # out = x + f(Norm(x))
        d_in, *extra, grads[name] = f_backward(dout, f_saved)
        dnorm, grads[norm_name] = norm_backward(d_in, norm_saved, kind)
        return dout + dnorm, extra
    dsum, grads[norm_name] = norm_backward(dout, norm_saved, kind)  # out = Norm(x + f(x))
    d_in, *extra, grads[name] = f_backward(dsum, f_saved)
    return dsum + d_in, extra


def block_forward(x, params, config: TransformerConfig, *, causal=True, mask=None,
                  positions=None, cache=None, memory=None, memory_mask=None, cross_cache=None):
    """One block, returning the output and what ``block_backward`` needs.

    Parameters
    ----------
    x : ndarray of shape (B, T, d_model)
        The residual stream.
    params : dict
        ``attn_norm``, ``attn``, ``ffn_norm``, ``ffn`` (and ``cross_norm``, ``cross_attn``
        when ``memory`` is given); see ``pycore.params``.
    config : TransformerConfig
        The model's configuration.
    causal : bool
        Causal self-attention (decoder) or bidirectional (encoder).
    mask : bool array broadcastable to (B, h, T, S), optional
        Extra self-attention mask (e.g. padding).
    positions : int array (T,), optional
        Absolute positions (RoPE).
    cache : LayerKVCache, optional
        Self-attention KV cache (inference only).
    memory : ndarray of shape (B, S_src, d_model), optional
        Encoder output for cross-attention.
    memory_mask : bool array broadcastable to (B, h, T, S_src), optional
        Padding mask of the source.
    cross_cache : LayerKVCache, optional
        KV cache that holds the projected memory after the first decoding step.

    Returns
    -------
    out : ndarray of shape (B, T, d_model)
        The residual stream after the block.
    saved : dict
        For ``block_backward``; ``saved["attn"]["weights"]`` (B, h, T, S) and, with memory,
        ``saved["cross_attn"]["weights"]`` (B, h, T, S_src).
    """
    check_layer_params(params, config, cross=memory is not None)
    heads = dict(n_heads=config.n_heads, n_kv_heads=config.n_kv_heads)

    def self_attention(y):
        return multi_head_attention_forward(
            y, params["attn"], mask=mask, positions=positions, cache=cache, causal=causal,
            rope=config.positional == "rope", alibi=config.positional == "alibi", **heads)

    def cross_attention(y):
        return cross_attention_forward(y, memory, params["cross_attn"], mask=memory_mask,
                                       cache=cross_cache, **heads)

    def ffn(y):
        return feed_forward_forward(y, params["ffn"], config.activation)

    saved = {"pre": config.norm_position == "pre", "kind": config.norm,
             "has_cross": memory is not None}
    x, saved["attn_norm"], saved["attn"] = sublayer_forward(
        x, self_attention, params["attn_norm"], config)
    if memory is not None:
        x, saved["cross_norm"], saved["cross_attn"] = sublayer_forward(
            x, cross_attention, params["cross_norm"], config)
    x, saved["ffn_norm"], saved["ffn"] = sublayer_forward(x, ffn, params["ffn_norm"], config)
    return x, saved


def check_block_saved(saved, name: str = "saved") -> None:
    """Check that ``saved`` is what ``block_forward`` returned, naming the first thing amiss."""
    check_saved(saved, name, {"pre": bool, "kind": str, "has_cross": bool}, "block_forward")
    norm = NORM_SAVED_SPECS[check_choice(saved["kind"], f"{name}['kind']", NORMS)]
    spec = {"attn_norm": norm, "attn": ATTENTION_SAVED_SPEC, "ffn_norm": norm, "ffn": dict}
    if saved["has_cross"]:
        spec.update(cross_norm=norm, cross_attn=ATTENTION_SAVED_SPEC)
    check_saved(saved, name, spec, "block_forward")
    check_ffn_saved(saved["ffn"], f"{name}['ffn']")


def block_backward(dout, saved):
    """Backward of ``block_forward``.

    Parameters
    ----------
    dout : ndarray of shape (B, T, d_model)
        dL/d(out).
    saved : dict
        From ``block_forward``, run without a KV cache.

    Returns
    -------
    dx : ndarray of shape (B, T, d_model)
        dL/dx.
    dmemory : ndarray of shape (B, S_src, d_model), or None
        dL/d(memory) through cross-attention; None for a block without it.
    grads : dict
        Keyed like the block's params.
    """
    check_block_saved(saved)
    options = dict(kind=saved["kind"], pre=saved["pre"])
    grads = {}
    dx, _ = sublayer_backward(dout, saved["ffn_norm"], feed_forward_backward, saved["ffn"],
                              grads=grads, names=("ffn_norm", "ffn"), **options)
    dmemory = None
    if saved["has_cross"]:
        dx, (dmemory,) = sublayer_backward(
            dx, saved["cross_norm"], cross_attention_backward, saved["cross_attn"],
            grads=grads, names=("cross_norm", "cross_attn"), **options)
    dx, _ = sublayer_backward(dx, saved["attn_norm"], multi_head_attention_backward,
                              saved["attn"], grads=grads, names=("attn_norm", "attn"), **options)
    check_finite_gradients((dx, dmemory, grads), "dout is", "the gradients")
    return dx, dmemory, grads


def block(x, params, config: TransformerConfig, **kwargs):
    """One transformer block; see ``block_forward``. Returns (B, T, d_model)."""
    return block_forward(x, params, config, **kwargs)[0]
