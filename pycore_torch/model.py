"""pycore's DecoderLM on ``torch.nn.functional``: the same model, on any device and dtype.

    x_0 = E[ids] (+ P[positions])  ->  x_l = Block_l(x_{l-1})  ->  logits = Norm(x_L) W_out

(Radford et al. 2019; Vaswani et al. 2017). The conventions are pycore's: row-vector weights
``y = x @ W + b`` with W of shape (d_in, d_out) (a ``torch.nn.Linear`` weight is W^T), boolean
masks with True = may attend and the causal mask aligned to the bottom right, RoPE on
interleaved pairs (Su et al. 2021, eq. 34), ALiBi (Press et al. 2022) with pycore's slopes,
GELU in its tanh form. Every check is pycore's own (``pycore._validation``, ``check_ids``,
``check_params``), applied to the tensors' shapes, and generation is ``pycore.generate``
driving this model, so sampled tokens are pycore's for the same seed.

The written-out attention materialises the (..., T_q, T_k) scores, as pycore does, so it can
return the weights; ``fused=True`` (and ``flash_attention``) go through
``torch.nn.functional.scaled_dot_product_attention``, which picks a FlashAttention-style kernel
where one applies. These functions are also the gold reference that pycore's own tests compare
its NumPy code with (tests/pycore), and tests/pycore_torch checks them against pycore.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import pycore
from pycore._validation import check_positive_float, check_positive_int, check_shape
from pycore.decoder import check_ids

__all__ = ["causal_mask", "scaled_dot_product_attention", "flash_attention",
           "multi_head_attention", "LayerKVCache", "KVCache", "DecoderLM", "generate"]


# ---------------------------------------------------------------- positions and masks

def causal_mask(T: int, S: int | None = None, *, device=None) -> torch.Tensor:
    """Bool (T, S) mask, True where key j may be seen by query i: j <= i + (S - T).

    Torch's own ``is_causal=True`` aligns to the top left when T != S; this is pycore's
    bottom-right mask (query i sits at position i + S - T). S defaults to T; S >= T.
    """
    T = check_positive_int(T, "T")
    S = T if S is None else check_positive_int(S, "S")
    if S < T:
        raise ValueError(f"causal_mask needs S >= T (each query must see at least itself); "
                         f"got T={T}, S={S}")
    i = torch.arange(T, device=device)[:, None]  # (T, 1) query index
    j = torch.arange(S, device=device)[None, :]  # (1, S) key index
    return j <= i + (S - T)  # (T, S)


def _angles(positions: torch.Tensor, d: int, base: float = 10000.0) -> torch.Tensor:
    """p * base^(-2i/d) in float64: (T, d/2) for positions of shape (T,)."""
    theta = base ** (-torch.arange(0, d, 2, dtype=torch.float64, device=positions.device) / d)
    return positions.to(torch.float64)[:, None] * theta  # (T, d/2)


def sinusoidal_table(T: int, d: int, *, past: int = 0, device=None) -> torch.Tensor:
    """Sinusoidal encodings of positions past .. past+T-1, interleaved sin/cos: (T, d) float64."""
    angles = _angles(past + torch.arange(T, device=device), d)  # (T, d/2)
    return torch.stack([angles.sin(), angles.cos()], dim=-1).reshape(T, d)  # (T, d)


def rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Rotate each interleaved pair (x_2i, x_2i+1) of (..., T, d) by positions[t] * theta_i."""
    angles = _angles(positions, x.shape[-1], base)  # (T, d/2)
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]  # (..., T, d/2) each
    rotated = torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1)
    return rotated.flatten(-2)  # (..., T, d), pairs back in interleaved order


def alibi_bias(n_heads: int, T: int, S: int, *, dtype, device=None) -> torch.Tensor:
    """ALiBi bias -slope_h |i + (S - T) - j| with pycore's slopes: (n_heads, T, S)."""
    slopes = torch.as_tensor(pycore.alibi_slopes(n_heads), device=device)  # (h,) float64
    i = torch.arange(T, device=device)[:, None] + (S - T)  # (T, 1) absolute query positions
    j = torch.arange(S, device=device)[None, :]  # (1, S)
    return (-slopes[:, None, None] * (i - j).abs().to(torch.float64)).to(dtype)  # (h, T, S)


# ---------------------------------------------------------------- attention

def _check_qkv(q, k, v):
    """pycore's shape checks on q (..., T_q, d_k), k (..., T_k, d_k), v (..., T_k, d_v)."""
    for name, t in (("q", q), ("k", k), ("v", v)):
        if not (isinstance(t, torch.Tensor) and t.is_floating_point()):
            raise TypeError(f"{name} must be a floating torch.Tensor, got "
                            f"{getattr(t, 'dtype', type(t).__name__)}")
    T_q, d_k = check_shape(q, "q", "(..., T_q, d_k)")
    T_k, _ = check_shape(k, "k", "(..., T_k, d_k)", d_k=d_k)
    check_shape(v, "v", "(..., T_k, d_v)", T_k=T_k)
    if min(T_q, T_k, d_k) == 0:
        raise ValueError(f"q {tuple(q.shape)} and k {tuple(k.shape)} must have T_q, T_k, d_k >= 1")
    try:
        batch = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except RuntimeError as exc:
        raise ValueError(f"the leading dims of q {tuple(q.shape)}, k {tuple(k.shape)} and "
                         f"v {tuple(v.shape)} do not broadcast") from exc
    return T_q, T_k, batch


def scaled_dot_product_attention(q, k, v, mask=None, *, bias=None, scale=None,
                                 return_weights=False):
    """softmax(q k^T * scale + bias, masked) v, written out (Vaswani et al. 2017, eq. 1).

    Parameters
    ----------
    q : tensor of shape (..., T_q, d_k)
    k : tensor of shape (..., T_k, d_k)
    v : tensor of shape (..., T_k, d_v)
        Leading dims broadcast.
    mask : bool tensor broadcastable to (..., T_q, T_k), optional
        True = may attend.
    bias : float tensor broadcastable to (..., T_q, T_k), optional
        Added to the scaled scores (ALiBi); -inf entries act as a mask.
    scale : float > 0, optional
        Default 1 / sqrt(d_k).
    return_weights : bool
        Also return the (..., T_q, T_k) weights.

    Returns
    -------
    out : tensor of shape (..., T_q, d_v), or ``(out, weights)``.

    Raises
    ------
    TypeError
        If ``mask`` is not boolean.
    ValueError
        Wrong shapes, or a query row whose keys are all masked (torch's fused kernel returns
        NaN there; pycore raises, and so does this).
    """
    T_q, T_k, _ = _check_qkv(q, k, v)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else check_positive_float(scale,
                                                                                   "scale")
    scores = q @ k.transpose(-1, -2) * scale  # (..., T_q, T_k)
    if bias is not None:
        scores = scores + bias.to(q.dtype)
    if mask is not None:
        if mask.dtype != torch.bool:
            raise TypeError(f"mask must be boolean (True = may attend), got dtype {mask.dtype}; "
                            "pass additive float masks as bias")
        scores = scores.masked_fill(~mask.to(q.device), float("-inf"))
    fully_masked = torch.isneginf(scores).all(dim=-1)  # (..., T_q)
    if bool(fully_masked.any()):
        raise ValueError(f"{int(fully_masked.sum())} query row(s) of the (..., T_q={T_q}, "
                         f"T_k={T_k}) scores have every key masked; attention is undefined")
    weights = torch.softmax(scores, dim=-1)  # (..., T_q, T_k)
    out = weights @ v  # (..., T_q, d_v)
    return (out, weights) if return_weights else out


def flash_attention(q, k, v, *, block_size: int = 64, causal: bool = False) -> torch.Tensor:
    """Exact attention by torch's fused kernel (Dao et al. 2022), never holding T_q x T_k.

    ``block_size`` is accepted for parity with ``pycore.flash_attention``; the kernel picks its
    own tiles. ``causal`` is pycore's bottom-right mask and needs T_k >= T_q. Returns a tensor
    of shape (..., T_q, d_v).
    """
    check_positive_int(block_size, "block_size")
    T_q, T_k, batch = _check_qkv(q, k, v)
    if causal and T_k < T_q:
        raise ValueError(f"causal attention needs T_k >= T_q; got q {tuple(q.shape)}, "
                         f"k {tuple(k.shape)}")
    q, k, v = (t.expand(*batch, *t.shape[-2:]) for t in (q, k, v))  # fused kernels: equal dims
    if causal and T_q != T_k:  # torch's is_causal is top-left here: pass pycore's mask
        return F.scaled_dot_product_attention(q, k, v, attn_mask=causal_mask(T_q, T_k,
                                                                             device=q.device))
    return F.scaled_dot_product_attention(q, k, v, is_causal=causal)


class LayerKVCache:
    """One layer's cached keys and values, (B, h_kv, S, d_head), in a buffer that doubles when
    full (amortised O(1) copies per token instead of ``torch.cat``'s O(S))."""

    def __init__(self, initial_capacity: int = 16):
        self._capacity = check_positive_int(initial_capacity, "initial_capacity")
        self._k = self._v = None  # (B, h_kv, capacity, d_head), allocated on the first append
        self.length = 0

    def append(self, k_new: torch.Tensor, v_new: torch.Tensor):
        """Store (B, h_kv, T_new, d_head) keys and values; return all (B, h_kv, S, d_head)."""
        B, h_kv, T_new, d_head = check_shape(k_new, "k_new", "(B, h_kv, T_new, d_head)")
        check_shape(v_new, "v_new", "(B, h_kv, T_new, d_head)", B=B, h_kv=h_kv, T_new=T_new,
                    d_head=d_head)
        if self._k is not None:  # the same batch, heads and head size as what is cached
            check_shape(k_new, "k_new", "(B, h_kv, T_new, d_head)", B=self._k.shape[0],
                        h_kv=self._k.shape[1], d_head=self._k.shape[3])
        S = self.length + T_new
        if self._k is None or S > self._k.shape[2]:
            capacity = max(S, self._capacity if self._k is None else 2 * self._k.shape[2])
            grown = [t.new_empty((B, h_kv, capacity, d_head)) for t in (k_new, v_new)]
            if self._k is not None:
                grown[0][:, :, :self.length] = self._k[:, :, :self.length]
                grown[1][:, :, :self.length] = self._v[:, :, :self.length]
            self._k, self._v = grown
        self._k[:, :, self.length:S] = k_new
        self._v[:, :, self.length:S] = v_new
        self.length = S
        return self._k[:, :, :S], self._v[:, :, :S]


class KVCache:
    """One ``LayerKVCache`` per layer, for ``batch_size`` sequences (``DecoderLM.forward``
    checks the length against ``max_len``, as pycore does)."""

    def __init__(self, n_layers: int, batch_size: int = 1):
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.layers = [LayerKVCache() for _ in range(check_positive_int(n_layers, "n_layers"))]

    @property
    def length(self) -> int:
        """The number of cached positions."""
        return self.layers[0].length

    def check_append(self, batch_size: int) -> None:
        """Raise ValueError unless ``batch_size`` is the cache's."""
        if batch_size != self.batch_size:
            raise ValueError(f"ids has batch size {batch_size} but the cache was made for "
                             f"batch_size={self.batch_size}")


def multi_head_attention(x, p, n_heads: int, n_kv_heads: int | None = None, *, causal=False,
                         rope_positions=None, alibi=False, cache=None, fused=False):
    """Multi-head self-attention with grouped-query heads, RoPE, ALiBi and a KV cache.

    Parameters
    ----------
    x : tensor of shape (B, T, d_model)
    p : dict of tensors
        W_q (d_model, h d_head), W_k, W_v (d_model, h_kv d_head), W_o (h d_head, d_model),
        b_q (h d_head,), b_k, b_v (h_kv d_head,), b_o (d_model,).
    n_heads, n_kv_heads : int
        h and h_kv (default h); query head i uses key/value head i // (h / h_kv)
        (Ainslie et al. 2023).
    causal : bool
    rope_positions : int tensor of shape (T,), optional
        Rotate queries and keys (RoPE) for these absolute positions.
    alibi : bool
    cache : LayerKVCache, optional
        The new keys and values are appended; attention runs over all of them.
    fused : bool
        Attention through ``torch.nn.functional.scaled_dot_product_attention``.

    Returns
    -------
    tensor of shape (B, T, d_model).
    """
    B, T, d_model = check_shape(x, "x", "(B, T, d_model)")
    n_kv_heads = n_heads if n_kv_heads is None else n_kv_heads
    d_head = p["W_q"].shape[1] // n_heads
    q = (x @ p["W_q"] + p["b_q"]).view(B, T, n_heads, d_head).transpose(1, 2)  # (B, h, T, dh)
    k = (x @ p["W_k"] + p["b_k"]).view(B, T, n_kv_heads, d_head).transpose(1, 2)  # (B, h_kv..)
    v = (x @ p["W_v"] + p["b_v"]).view(B, T, n_kv_heads, d_head).transpose(1, 2)
    if rope_positions is not None:
        q, k = rope(q, rope_positions), rope(k, rope_positions)  # keys rotated before caching
    if cache is not None:
        k, v = cache.append(k, v)  # (B, h_kv, S, d_head)
    S = k.shape[2]
    if n_heads > n_kv_heads:
        k = k.repeat_interleave(n_heads // n_kv_heads, dim=1)  # (B, h, S, d_head)
        v = v.repeat_interleave(n_heads // n_kv_heads, dim=1)
    mask = causal_mask(T, S, device=x.device) if causal else None  # (T, S)
    bias = alibi_bias(n_heads, T, S, dtype=x.dtype, device=x.device) if alibi else None
    if fused and bias is None and (mask is None or T == S):
        heads = F.scaled_dot_product_attention(q, k, v, is_causal=causal)  # (B, h, T, dh)
    elif fused:  # one additive float mask carries ALiBi and the blocking
        attn_mask = bias if bias is not None else torch.zeros(T, S, dtype=x.dtype,
                                                              device=x.device)
        if mask is not None:
            attn_mask = attn_mask.masked_fill(~mask, float("-inf"))
        heads = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
    else:
        heads = scaled_dot_product_attention(q, k, v, mask, bias=bias)  # (B, h, T, d_head)
    return heads.transpose(1, 2).reshape(B, T, n_heads * d_head) @ p["W_o"] + p["b_o"]


# ---------------------------------------------------------------- the model

def _norm(x, p, kind):
    """LayerNorm (eps 1e-5) or RMSNorm (eps 1e-6) over the last dim, as pycore.norms."""
    if kind == "layer":
        return F.layer_norm(x, x.shape[-1:], p["gamma"], p["beta"], eps=1e-5)
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * p["weight"]


def feed_forward(x, p, activation):
    """act(x W1 + b1) W2 + b2 (ReLU, GELU tanh), or SwiGLU (silu(x W_gate) * x W_up) W_down."""
    if activation == "swiglu":
        return (F.silu(x @ p["W_gate"]) * (x @ p["W_up"])) @ p["W_down"]
    hidden = x @ p["W1"] + p["b1"]  # (..., d_ff)
    hidden = F.relu(hidden) if activation == "relu" else F.gelu(hidden, approximate="tanh")
    return hidden @ p["W2"] + p["b2"]


def _parameters(module: nn.Module, shapes: dict, dtype, device) -> None:
    for name, shape in shapes.items():
        module.register_parameter(name, nn.Parameter(torch.zeros(shape, dtype=dtype,
                                                                 device=device)))


class _Part(nn.Module):
    """A named group of parameters (``attn``, ``ffn``, a norm) of pycore's shapes."""

    def __init__(self, shapes: dict, dtype, device):
        super().__init__()
        _parameters(self, shapes, dtype, device)

    def forward(self):
        """The parameters as a dict, for the functions above."""
        return dict(self.named_parameters(recurse=False))


class _Block(nn.Module):
    """attn_norm, attn, ffn_norm, ffn: pre-norm (GPT-2) or post-norm (Vaswani et al. 2017).

    One module per block, so that FSDP can shard each on its own (``distributed.wrap``).
    """

    def __init__(self, shapes: dict, config, dtype, device):
        super().__init__()
        self.config = config
        for part in ("attn_norm", "attn", "ffn_norm", "ffn"):
            self.add_module(part, _Part(shapes[part], dtype, device))

    def forward(self, x, positions, cache=None, fused=False):
        c = self.config

        def attend(y):
            return multi_head_attention(y, self.attn(), c.n_heads, c.n_kv_heads, causal=True,
                                        rope_positions=positions if c.positional == "rope"
                                        else None, alibi=c.positional == "alibi", cache=cache,
                                        fused=fused)

        if c.norm_position == "pre":
            x = x + attend(_norm(x, self.attn_norm(), c.norm))
            return x + feed_forward(_norm(x, self.ffn_norm(), c.norm), self.ffn(), c.activation)
        x = _norm(x + attend(x), self.attn_norm(), c.norm)
        return _norm(x + feed_forward(x, self.ffn(), c.activation), self.ffn_norm(), c.norm)


def _numpy(a) -> np.ndarray:
    """An array or tensor as a NumPy array (bfloat16 and float16 as float32), for pycore."""
    if isinstance(a, torch.Tensor):
        a = a.detach().cpu()
        return (a if a.dtype in (torch.float32, torch.float64, torch.int64) else a.float()).numpy()
    return np.asarray(a)


def _tree(fn, node):
    if isinstance(node, dict):
        return {k: _tree(fn, v) for k, v in node.items()}
    if isinstance(node, list):
        return [_tree(fn, v) for v in node]
    return fn(node)


class DecoderLM(nn.Module):
    """pycore's DecoderLM as a ``torch.nn.Module``, loading and returning pycore's weights.

    Every parameter is registered under pycore's flat name (``layers.0.attn.W_q``, pycore's
    shapes), so ``state_dict()`` and ``pycore.flatten_params(params)`` have the same keys.

    Parameters
    ----------
    config : pycore.TransformerConfig
    params : dict of arrays or tensors nested as ``pycore.init_params(config)``, optional
        Default: ``pycore.init_params(config, seed)``, pycore's initial weights.
    seed : int
    dtype : torch.dtype
        Parameter dtype (float32, float64, bfloat16, ...).
    device : torch.device or str, optional
    """

    def __init__(self, config, params=None, seed: int = 0, *, dtype=torch.float32, device=None):
        super().__init__()
        if not isinstance(config, pycore.TransformerConfig):
            raise TypeError(f"config must be a pycore.TransformerConfig, got "
                            f"{type(config).__name__}")
        self.config = config
        shapes = pycore.parameter_shapes(config, "decoder")
        _parameters(self, {n: s for n, s in shapes.items() if isinstance(s, tuple)}, dtype,
                    device)
        self.layers = nn.ModuleList([_Block(s, config, dtype, device) for s in shapes["layers"]])
        if "final_norm" in shapes:
            self.final_norm = _Part(shapes["final_norm"], dtype, device)
        self.load_pycore_params(pycore.init_params(config, seed) if params is None else params)

    @classmethod
    def from_npz(cls, path, *, dtype=torch.float32, device=None):
        """A model with the config and weights of a file written by ``pycore.save``."""
        params, config = pycore.load(path)
        return cls(config, params, dtype=dtype, device=device)

    def load_pycore_params(self, params) -> None:
        """Copy a pycore params dict into this model (``pycore.check_params`` checks it)."""
        pycore.check_params(_tree(_numpy, params), self.config)
        like = self.tokens
        self.load_state_dict({n: torch.as_tensor(a).to(dtype=like.dtype, device=like.device)
                              for n, a in pycore.flatten_params(params).items()}, strict=True)

    def pycore_params(self) -> dict:
        """The weights as a pycore params dict of NumPy arrays (float32 stays float32)."""
        flat = {name: _numpy(t).copy() for name, t in self.state_dict().items()}
        return pycore.unflatten_params(flat, pycore.parameter_shapes(self.config, "decoder"))

    def new_cache(self, batch_size: int = 1) -> KVCache:
        """An empty KV cache for ``batch_size`` sequences."""
        return KVCache(self.config.n_layers, batch_size)

    def forward(self, ids, cache: KVCache | None = None, *, fused: bool = False) -> torch.Tensor:
        """Next-token logits.

        Parameters
        ----------
        ids : int tensor or array of shape (B, T)
        cache : KVCache from ``new_cache``, optional
            ``ids`` are then the new tokens only; their keys and values are appended.
        fused : bool
            Attention through torch's fused kernel instead of the written-out softmax.

        Returns
        -------
        logits : tensor of shape (B, T, V), the parameters' dtype.
        """
        c = self.config
        past = 0 if cache is None else cache.length
        check_ids(_numpy(ids), c, past)  # pycore's checks: (B, T), ids in [0, V), max_len
        ids = torch.as_tensor(ids, device=self.tokens.device)
        B, T = ids.shape
        if cache is not None:
            cache.check_append(B)
        positions = past + torch.arange(T, device=ids.device)  # (T,) absolute positions
        x = self.tokens[ids]  # (B, T, d_model)
        if c.positional == "learned":
            x = x + self.positions[positions]
        elif c.positional == "sinusoidal":
            x = x + sinusoidal_table(T, c.d_model, past=past, device=ids.device).to(x.dtype)
        for i, layer in enumerate(self.layers):
            x = layer(x, positions, None if cache is None else cache.layers[i], fused)
        if c.norm_position == "pre":
            x = _norm(x, self.final_norm(), c.norm)
        return x @ (self.tokens.t() if c.tie_embeddings else self.lm_head)  # (B, T, V)

    def extra_repr(self) -> str:
        return f"config={self.config}"


class _PycoreView:
    """This model with pycore's DecoderLM interface, for ``pycore.generate``: NumPy ids in,
    the last position's NumPy logits out (all that generation reads)."""

    def __init__(self, model: DecoderLM, fused: bool):
        self.model, self.fused, self.config = model, fused, model.config

    def new_cache(self, batch_size: int = 1) -> KVCache:
        return self.model.new_cache(batch_size)

    def forward(self, ids, cache=None) -> np.ndarray:
        logits = self.model(ids, cache=cache, fused=self.fused)  # (B, T, V)
        return _numpy(logits[:, -1:, :])  # (B, 1, V)


@torch.no_grad()
def generate(model: DecoderLM, prompt_ids, max_new_tokens: int, *, fused: bool = False,
             **settings) -> torch.Tensor:
    """``pycore.generate`` with this model: the same checks, sampling and tokens.

    Parameters
    ----------
    model : DecoderLM
    prompt_ids : int tensor or array of shape (T,) or (B, T)
    max_new_tokens : int >= 0
    fused : bool
        Fused attention inside the model.
    **settings
        ``temperature``, ``top_k``, ``top_p``, ``greedy``, ``use_cache``, ``seed``,
        ``repetition_penalty``, as in ``pycore.generate``.

    Returns
    -------
    ids : int64 tensor of shape (T + N,) or (B, T + N), on the model's device.
    """
    ids = pycore.generate(_PycoreView(model, fused), _numpy(prompt_ids), max_new_tokens,
                          **settings)
    return torch.from_numpy(ids).to(model.tokens.device)
