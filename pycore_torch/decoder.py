"""A GPT-style DecoderLM as a ``torch.nn.Module`` that loads pycore's weights (mirrors
``pycore.decoder``).

    x_0 = E[ids] (+ P[positions])  ->  x_l = Block_l(x_{l-1})  ->  logits = Norm(x_L) W_out

(Radford et al. 2019; Vaswani et al. 2017, section 3.4 for the tied W_out = E^T). Every
parameter is registered under pycore's flat name (``layers.0.attn.W_q``, row-vector shapes),
so ``model.state_dict()`` and ``pycore.flatten_params(params)`` have the same keys and shapes:
loading a pycore ``.npz`` is a plain ``load_state_dict``. The blocks call the functional ops of
this package, so a parity test of the model is also a test of them working together.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

import pycore

from ._checks import as_int_tensor, check_ndim
from .feed_forward import feed_forward
from .kv_cache import KVCache
from .multi_head import multi_head_attention
from .norms import layer_norm, rms_norm
from .positions import sinusoidal_positions

__all__ = ["DecoderLM"]


def _parameter(shape, dtype, device):
    return nn.Parameter(torch.zeros(tuple(shape), dtype=dtype, device=device))


class _Params(nn.Module):
    """A module holding named parameters of given shapes; ``as_dict()`` for the functional ops."""

    def __init__(self, shapes: dict, dtype, device):
        super().__init__()
        for name, shape in shapes.items():
            self.register_parameter(name, _parameter(shape, dtype, device))

    def as_dict(self) -> dict:
        return dict(self.named_parameters(recurse=False))


class _Block(nn.Module):
    """attn_norm, attn, ffn_norm, ffn; pre-norm (GPT-2) or post-norm (Vaswani et al. 2017)."""

    def __init__(self, shapes: dict, config, dtype, device):
        super().__init__()
        self.config = config
        for name in ("attn_norm", "attn", "ffn_norm", "ffn"):
            self.add_module(name, _Params(shapes[name], dtype, device))

    def _norm(self, x, module):
        p = module.as_dict()
        if self.config.norm == "layer":
            return layer_norm(x, p["gamma"], p["beta"])
        return rms_norm(x, p["weight"])

    def _attention(self, x, positions, cache, fused):
        c = self.config
        return multi_head_attention(x, self.attn.as_dict(), c.n_heads, n_kv_heads=c.n_kv_heads,
                                    positions=positions, cache=cache, causal=True,
                                    rope=c.positional == "rope", alibi=c.positional == "alibi",
                                    fused=fused)

    def forward(self, x, positions, cache=None, fused=False):
        ffn = self.ffn.as_dict()
        if self.config.norm_position == "pre":
            h = x + self._attention(self._norm(x, self.attn_norm), positions, cache, fused)
            return h + feed_forward(self._norm(h, self.ffn_norm), ffn, self.config.activation)
        h = self._norm(x + self._attention(x, positions, cache, fused), self.attn_norm)
        return self._norm(h + feed_forward(h, ffn, self.config.activation), self.ffn_norm)


class DecoderLM(nn.Module):
    """``DecoderLM(config, params=None, seed=0, *, dtype=torch.float32, device=None)``.

    Parameters
    ----------
    config : pycore.TransformerConfig
    params : dict of arrays or tensors nested as ``pycore.init_params(config)``, optional
        Default: ``pycore.init_params(config, seed)`` (the same initial weights as pycore).
    seed : int
    dtype : torch.dtype
        Parameter dtype (float32, float64, bfloat16...).
    device : torch.device or str, optional
    """

    def __init__(self, config, params=None, seed: int = 0, *, dtype=torch.float32, device=None):
        super().__init__()
        if not isinstance(config, pycore.TransformerConfig):
            raise TypeError(f"config must be a pycore.TransformerConfig, got "
                            f"{type(config).__name__}")
        self.config = config
        shapes = pycore.parameter_shapes(config, "decoder")
        self.tokens = _parameter(shapes["tokens"], dtype, device)
        if "positions" in shapes:
            self.positions = _parameter(shapes["positions"], dtype, device)
        self.layers = nn.ModuleList([_Block(s, config, dtype, device) for s in shapes["layers"]])
        if "final_norm" in shapes:
            self.final_norm = _Params(shapes["final_norm"], dtype, device)
        if "lm_head" in shapes:
            self.lm_head = _parameter(shapes["lm_head"], dtype, device)
        if params is None:
            params = pycore.init_params(config, seed)
        self.load_pycore_params(params)

    @classmethod
    def from_npz(cls, path, *, dtype=torch.float32, device=None):
        """A model with the config and weights of a file written by ``pycore.save``."""
        params, config = pycore.load(path)
        return cls(config, params, dtype=dtype, device=device)

    def load_pycore_params(self, params) -> None:
        """Copy a pycore params dict into this model (names and shapes are checked)."""
        flat = pycore.flatten_params(params)
        expected = pycore.flatten_params(pycore.parameter_shapes(self.config, "decoder"))
        missing = [n for n in expected if n not in flat]
        extra = [n for n in flat if n not in expected]
        wrong = [f"{n} {tuple(flat[n].shape)} (expected {expected[n]})" for n in expected
                 if n in flat and tuple(flat[n].shape) != tuple(expected[n])]
        if missing or extra or wrong:
            raise ValueError(f"params do not match the config: missing {missing}, "
                             f"unexpected {extra}, wrong shape {wrong}")
        p = self.tokens
        state = {name: (a if isinstance(a, torch.Tensor) else torch.from_numpy(np.asarray(a)))
                 .to(dtype=p.dtype, device=p.device) for name, a in flat.items()}
        self.load_state_dict(state, strict=True)

    def pycore_params(self) -> dict:
        """The weights as a pycore params dict of NumPy arrays (float32 stays float32)."""
        flat = {}
        for name, t in self.state_dict().items():
            t = t.detach().cpu()
            if t.dtype not in (torch.float32, torch.float64):
                t = t.to(torch.float32)
            flat[name] = t.numpy().copy()
        return pycore.unflatten_params(flat, pycore.parameter_shapes(self.config, "decoder"))

    def new_cache(self, batch_size: int = 1) -> KVCache:
        """An empty KV cache for ``batch_size`` sequences."""
        return KVCache(self.config.n_layers, batch_size, max_len=self.config.max_len)

    def _check_ids(self, ids, past):
        ids = as_int_tensor(ids, "ids", device=self.tokens.device)
        check_ndim(ids, "ids", ndim=2, expected="(B, T); use ids[None, :] for one sequence")
        B, T = ids.shape
        if B == 0 or T == 0:
            raise ValueError(f"ids has shape {tuple(ids.shape)}; B and T must be >= 1")
        V = self.config.vocab_size
        if bool((ids < 0).any()) or bool((ids >= V).any()):
            raise ValueError(f"ids must lie in [0, V={V}); got values in "
                             f"[{int(ids.min())}, {int(ids.max())}]")
        if past + T > self.config.max_len:
            raise ValueError(f"{past} cached + {T} new tokens exceed max_len="
                             f"{self.config.max_len}")
        return ids

    def forward(self, ids, cache: KVCache = None, *, fused: bool = False) -> torch.Tensor:
        """Next-token logits.

        Parameters
        ----------
        ids : int tensor or array of shape (B, T)
        cache : KVCache from ``new_cache``, optional
            ``ids`` are then the new tokens only; their keys and values are appended.
        fused : bool
            Attention through torch's fused kernel (FlashAttention-style) instead of the
            written-out softmax(q k^T / sqrt(d_head)) v.

        Returns
        -------
        logits : tensor of shape (B, T, V), the parameters' dtype.
        """
        c = self.config
        past = 0 if cache is None else cache.length
        ids = self._check_ids(ids, past)
        B, T = ids.shape
        if cache is not None:
            cache.check_append(B, T)
        positions = past + torch.arange(T, device=ids.device)  # (T,) absolute positions
        x = self.tokens[ids]  # (B, T, d_model)
        if c.positional == "learned":
            x = x + self.positions[positions]  # (B, T, d_model)
        elif c.positional == "sinusoidal":
            table = sinusoidal_positions(past + T, c.d_model, device=ids.device)[past:]
            x = x + table.to(x.dtype)  # (B, T, d_model)
        for i, layer in enumerate(self.layers):
            x = layer(x, positions, None if cache is None else cache.layers[i], fused)
        if c.norm_position == "pre":
            p = self.final_norm.as_dict()
            x = layer_norm(x, p["gamma"], p["beta"]) if c.norm == "layer" \
                else rms_norm(x, p["weight"])
        W_out = self.tokens.t() if c.tie_embeddings else self.lm_head  # (d_model, V)
        return x @ W_out  # (B, T, V)

    def extra_repr(self) -> str:
        return f"config={self.config}"

