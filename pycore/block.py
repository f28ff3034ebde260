"""One transformer block: attention and feed-forward sublayers, each wrapped in norm + residual.

Post-norm, as in Vaswani et al. (2017, section 3.1, "LayerNorm(x + Sublayer(x))"):
    h = Norm1(x + Attn(x)),            out = Norm2(h + FFN(h)).
Pre-norm, as in GPT-2 (Radford et al. 2019, section 2.3) and analysed by Xiong et al. (2020):
    h = x + Attn(Norm1(x)),            out = h + FFN(Norm2(h)).
A decoder block of an encoder-decoder model has a cross-attention sublayer between the two
(Vaswani et al. 2017, section 3.2.3), wrapped the same way, whose keys and values come from
the encoder output ("memory").

Backward: a residual connection y = x + f(x) passes dy to x unchanged and adds f's backward,
which is why deep pre-norm stacks train stably: the gradient has a path with no layer on it.
"""

from __future__ import annotations

from ._validation import (
    check_cache,
    check_choice,
    check_finite_gradients,
)
from .config import NORMS, TransformerConfig
from .feed_forward import check_ffn_cache, feed_forward_backward, feed_forward_forward
from .multi_head import _CACHE_SPEC as _ATTENTION_CACHE_SPEC
from .multi_head import multi_head_attention_backward, multi_head_attention_forward
from .norms import (
    NORM_CACHE_SPECS,
    layer_norm_backward,
    layer_norm_forward,
    rms_norm_backward,
    rms_norm_forward,
)
from .params import check_layer_params

__all__ = ["norm_forward", "norm_backward", "block_forward", "block_backward", "block",
           "check_block_cache"]


def norm_forward(x, params, kind):
    """LayerNorm (``kind="layer"``, params gamma/beta) or RMSNorm (``"rms"``, params weight)."""
    if kind == "layer":
        return layer_norm_forward(x, params["gamma"], params["beta"])
    return rms_norm_forward(x, params["weight"])


def norm_backward(dout, cache, kind):
    """Backward of ``norm_forward``: (dx, grads keyed like the norm's params)."""
    if kind == "layer":
        return layer_norm_backward(dout, cache)
    return rms_norm_backward(dout, cache)


def _attention(x, params, config, **kwargs):
    return multi_head_attention_forward(
        x, params, config.n_heads, n_kv_heads=config.n_kv_heads, **kwargs)


def block_forward(x, params, config: TransformerConfig, *, causal=True, mask=None,
                  positions=None, cache=None, memory=None, memory_mask=None, cross_cache=None):
    """One block, returning the output and a cache for ``block_backward``.

    Parameters
    ----------
    x : ndarray of shape (B, T, d_model)
        The residual stream.
    params : dict
        ``attn_norm``, ``attn``, ``ffn_norm``, ``ffn`` (and ``cross_norm``, ``cross_attn``
        when ``memory`` is given); see ``pycore.params``.
    config : TransformerConfig
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
        Holds the projected memory after the first decoding step.

    Returns
    -------
    out : ndarray of shape (B, T, d_model)
    bcache : dict; ``bcache["attn"]["weights"]`` (B, h, T, S) and, with memory,
    ``bcache["cross"]["weights"]`` (B, h, T, S_src).
    """
    check_layer_params(params, config, cross=memory is not None)
    kind, pre = config.norm, config.norm_position == "pre"
    self_kwargs = dict(mask=mask, positions=positions, cache=cache, causal=causal,
                       rope=config.positional == "rope", alibi=config.positional == "alibi")
    bc = {"pre": pre, "kind": kind, "has_cross": memory is not None}
    # Self-attention sublayer.
    if pre:
        a_in, bc["norm1"] = norm_forward(x, params["attn_norm"], kind)  # (B, T, d_model)
        a, bc["attn"] = _attention(a_in, params["attn"], config, **self_kwargs)
        h = x + a  # residual
    else:
        a, bc["attn"] = _attention(x, params["attn"], config, **self_kwargs)
        h, bc["norm1"] = norm_forward(x + a, params["attn_norm"], kind)
    # Cross-attention sublayer (encoder-decoder models only).
    if memory is not None:
        cross_kwargs = dict(kv=memory, mask=memory_mask, cache=cross_cache)
        if pre:
            c_in, bc["norm_c"] = norm_forward(h, params["cross_norm"], kind)
            c, bc["cross"] = _attention(c_in, params["cross_attn"], config, **cross_kwargs)
            h = h + c
        else:
            c, bc["cross"] = _attention(h, params["cross_attn"], config, **cross_kwargs)
            h, bc["norm_c"] = norm_forward(h + c, params["cross_norm"], kind)
    # Feed-forward sublayer.
    if pre:
        f_in, bc["norm2"] = norm_forward(h, params["ffn_norm"], kind)
        f, bc["ffn"] = feed_forward_forward(f_in, params["ffn"], config.activation)
        out = h + f
    else:
        f, bc["ffn"] = feed_forward_forward(h, params["ffn"], config.activation)
        out, bc["norm2"] = norm_forward(h + f, params["ffn_norm"], kind)
    return out, bc


def check_block_cache(bc, name: str = "bc") -> None:
    """Check that ``bc`` is what ``block_forward`` returned, naming the first thing amiss."""
    check_cache(bc, name, {"pre": bool, "kind": str, "has_cross": bool}, "block_forward")
    norm = NORM_CACHE_SPECS[check_choice(bc["kind"], f"{name}['kind']", NORMS)]
    spec = {"norm1": norm, "attn": _ATTENTION_CACHE_SPEC, "norm2": norm, "ffn": dict}
    if bc["has_cross"]:
        spec.update(norm_c=norm, cross=_ATTENTION_CACHE_SPEC)
    check_cache(bc, name, spec, "block_forward")
    check_ffn_cache(bc["ffn"], f"{name}['ffn']")


def block_backward(dout, bc):
    """Backward of ``block_forward``.

    Parameters
    ----------
    dout : ndarray of shape (B, T, d_model)
    bc : dict from ``block_forward``.

    Returns
    -------
    dx : ndarray of shape (B, T, d_model); with cross-attention the pair (dx, dmemory), dmemory
    of shape (B, S_src, d_model).
    grads : dict keyed like the block's params.
    """
    check_block_cache(bc)
    kind, pre = bc["kind"], bc["pre"]
    grads = {}
    # Feed-forward sublayer: out = h + FFN(Norm2(h)) or out = Norm2(h + FFN(h)).
    if pre:
        df_in, grads["ffn"] = feed_forward_backward(dout, bc["ffn"])
        dh_norm, grads["ffn_norm"] = norm_backward(df_in, bc["norm2"], kind)
        dh = dout + dh_norm
    else:
        dsum, grads["ffn_norm"] = norm_backward(dout, bc["norm2"], kind)
        dh_ffn, grads["ffn"] = feed_forward_backward(dsum, bc["ffn"])
        dh = dsum + dh_ffn
    dmemory = None
    if bc["has_cross"]:
        if pre:
            (dc_in, dmemory), grads["cross_attn"] = multi_head_attention_backward(dh, bc["cross"])
            dh_norm, grads["cross_norm"] = norm_backward(dc_in, bc["norm_c"], kind)
            dh = dh + dh_norm
        else:
            dsum, grads["cross_norm"] = norm_backward(dh, bc["norm_c"], kind)
            (dh_c, dmemory), grads["cross_attn"] = multi_head_attention_backward(dsum, bc["cross"])
            dh = dsum + dh_c
    # Self-attention sublayer.
    if pre:
        da_in, grads["attn"] = multi_head_attention_backward(dh, bc["attn"])
        dx_norm, grads["attn_norm"] = norm_backward(da_in, bc["norm1"], kind)
        dx = dh + dx_norm
    else:
        dsum, grads["attn_norm"] = norm_backward(dh, bc["norm1"], kind)
        dx_attn, grads["attn"] = multi_head_attention_backward(dsum, bc["attn"])
        dx = dsum + dx_attn
    check_finite_gradients((dx, dmemory, grads), "dout is", "the gradients")
    if bc["has_cross"]:
        return (dx, dmemory), grads
    return dx, grads


def block(x, params, config: TransformerConfig, **kwargs):
    """One transformer block; see ``block_forward``. Returns (B, T, d_model)."""
    return block_forward(x, params, config, **kwargs)[0]
