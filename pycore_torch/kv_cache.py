"""A key/value cache for incremental decoding on tensors (mirrors ``pycore.kv_cache``).

At decoding step t the keys and values of tokens 0 .. t-1 have not changed (causal attention),
so they are stored instead of recomputed (Pope et al. 2022, section 2). ``LayerKVCache`` keeps
one layer's (B, h_kv, S, d_head) keys and values in a buffer that doubles when full, so
appending a token costs amortised O(1) copies instead of the O(S) of ``torch.cat`` every step.
"""

from __future__ import annotations

import torch

from ._checks import check_ndim, check_positive_int

__all__ = ["LayerKVCache", "KVCache"]


class LayerKVCache:
    """Keys and values of one attention layer.

    Attributes
    ----------
    length : int
        S, the number of cached positions.
    keys, values : tensors of shape (B, h_kv, S, d_head), views of the buffer.
    """

    def __init__(self, initial_capacity: int = 16):
        self._capacity = check_positive_int(initial_capacity, "initial_capacity")
        self._k = None  # (B, h_kv, capacity, d_head), allocated on the first append
        self._v = None
        self.length = 0

    @property
    def keys(self):
        return None if self._k is None else self._k[:, :, :self.length]

    @property
    def values(self):
        return None if self._v is None else self._v[:, :, :self.length]

    def append(self, k_new: torch.Tensor, v_new: torch.Tensor):
        """Store (B, h_kv, T_new, d_head) keys and values; return all (B, h_kv, S, d_head)."""
        check_ndim(k_new, "k_new", ndim=4, expected="(B, h_kv, T_new, d_head)")
        if v_new.shape != k_new.shape:
            raise ValueError(f"v_new has shape {tuple(v_new.shape)} but k_new has "
                             f"{tuple(k_new.shape)}")
        B, h_kv, T_new, d_head = k_new.shape
        if self._k is None:
            capacity = max(self._capacity, T_new)
            self._k = k_new.new_empty((B, h_kv, capacity, d_head))
            self._v = v_new.new_empty((B, h_kv, capacity, d_head))
        elif (B, h_kv, d_head) != (self._k.shape[0], self._k.shape[1], self._k.shape[3]) \
                or k_new.dtype != self._k.dtype:
            raise ValueError(f"k_new has shape {tuple(k_new.shape)} ({k_new.dtype}) but the cache "
                             f"holds {tuple(self.keys.shape)} ({self._k.dtype})")
        S = self.length + T_new
        if S > self._k.shape[2]:  # grow by doubling: amortised O(1) per appended token
            capacity = max(S, 2 * self._k.shape[2])
            for name in ("_k", "_v"):
                old = getattr(self, name)
                new = old.new_empty(old.shape[:2] + (capacity, d_head))
                new[:, :, :self.length] = old[:, :, :self.length]
                setattr(self, name, new)
        self._k[:, :, self.length:S] = k_new  # (B, h_kv, S, d_head) after this write
        self._v[:, :, self.length:S] = v_new
        self.length = S
        return self.keys, self.values

    def truncate(self, length: int) -> None:
        """Forget every position from ``length`` on."""
        if not 0 <= length <= self.length:
            raise ValueError(f"cannot truncate a cache of length {self.length} to {length}")
        self.length = int(length)


class KVCache:
    """One ``LayerKVCache`` per layer, for ``batch_size`` sequences of at most ``max_len``."""

    def __init__(self, n_layers: int, batch_size: int = 1, max_len: int = None):
        n_layers = check_positive_int(n_layers, "n_layers")
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.max_len = None if max_len is None else check_positive_int(max_len, "max_len")
        self.layers = [LayerKVCache() for _ in range(n_layers)]

    @property
    def length(self) -> int:
        return self.layers[0].length

    def check_append(self, batch_size: int, T_new: int) -> None:
        """Raise ValueError if appending (batch_size, T_new) tokens is not allowed."""
        if batch_size != self.batch_size:
            raise ValueError(f"ids has batch size {batch_size} but the cache was made for "
                             f"batch_size={self.batch_size}")
        if self.max_len is not None and self.length + T_new > self.max_len:
            raise ValueError(f"cache holds {self.length} positions; adding {T_new} exceeds "
                             f"max_len={self.max_len}")

    def truncate(self, length: int) -> None:
        for layer in self.layers:
            layer.truncate(length)
