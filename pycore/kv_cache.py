"""The key/value cache of incremental decoding, and what it costs in memory.

When a decoder generates token t, the keys and values of tokens 0 .. t-1 are the same as they
were at the previous step (causal attention never lets an earlier position see a later one),
so they are stored instead of recomputed (Pope et al. 2022, "Efficiently Scaling Transformer
Inference", section 2). Each new token then costs one row of projections per layer instead of
t rows. The price is memory:

    bytes = 2 (K and V) x n_layers x h_kv x d_head x T x bytes_per_value x batch.

Grouped-query attention (Ainslie et al. 2023) shrinks it by storing h_kv < h heads: for
Llama-3-70B's shape (80 layers, 8 KV heads, d_head 128, fp16) 4,096 tokens take 1.34 GB, and
10.7 GB if all 64 heads kept their own K/V.

``LayerKVCache`` holds one attention layer's keys and values, (B, h_kv, S, d_head), in a
buffer that doubles when full; ``KVCache`` holds one per layer and is what
``DecoderLM.new_cache`` returns. ``truncate`` rolls back rejected tokens (speculative decoding).
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    MAX_ITEMS,
    as_float_array,
    check_ndim,
    check_nonnegative_int,
    check_positive_int,
    check_size,
)

__all__ = ["kv_cache_bytes", "LayerKVCache", "KVCache"]


def kv_cache_bytes(n_layers: int, n_kv_heads: int, d_head: int, T: int,
                   bytes_per_value: int = 2, batch: int = 1) -> int:
    """Size in bytes of a KV cache: 2 x n_layers x n_kv_heads x d_head x T x bytes x batch.

    Parameters
    ----------
    n_layers, n_kv_heads, d_head : int >= 1
    T : int >= 0
        Cached tokens per sequence.
    bytes_per_value : int >= 1
        2 for fp16/bf16, 4 for fp32, 1 for int8.
    batch : int >= 1

    Returns
    -------
    int (e.g. 1,342,177,280 = 1.34 GB for 80, 8, 128, 4096, fp16).
    """
    n_layers = check_positive_int(n_layers, "n_layers")
    n_kv_heads = check_positive_int(n_kv_heads, "n_kv_heads")
    d_head = check_positive_int(d_head, "d_head")
    T = check_nonnegative_int(T, "T")
    bytes_per_value = check_positive_int(bytes_per_value, "bytes_per_value")
    batch = check_positive_int(batch, "batch")
    return 2 * n_layers * n_kv_heads * d_head * T * bytes_per_value * batch


class LayerKVCache:
    """Keys and values of one attention layer, appended to as tokens arrive.

    Attributes
    ----------
    length : int
        S, the number of cached positions.
    keys, values : ndarray of shape (B, h_kv, S, d_head)
        Views of the cached entries (empty before the first ``append``).
    """

    def __init__(self, initial_capacity: int = 16):
        self._capacity = check_positive_int(initial_capacity, "initial_capacity",
                                            max_value=MAX_ITEMS)
        self._k = None  # (B, h_kv, capacity, d_head), allocated on the first append
        self._v = None
        self.length = 0

    @property
    def keys(self):
        """The cached keys (B, h_kv, length, d_head), or None before the first append."""
        return self._k[:, :, :self.length] if self._k is not None else None

    @property
    def values(self):
        """The cached values (B, h_kv, length, d_head), or None before the first append."""
        return self._v[:, :, :self.length] if self._v is not None else None

    def append(self, k_new, v_new):
        """Store (B, h_kv, T_new, d_head) keys and values; return all (B, h_kv, S, d_head).

        Raises ValueError if the batch size, head count, width or dtype differ from what the
        cache already holds.
        """
        k_new = as_float_array(k_new, "k_new")
        v_new = as_float_array(v_new, "v_new", dtype=k_new.dtype)
        check_ndim(k_new, "k_new", ndim=4, expected="(B, h_kv, T_new, d_head)")
        if v_new.shape != k_new.shape:
            raise ValueError(f"v_new has shape {v_new.shape} but k_new has {k_new.shape}")
        B, h_kv, T_new, d_head = k_new.shape
        check_size((B, h_kv, self.length + T_new, d_head), "the cache (B, h_kv, S, d_head)")
        if self._k is None:
            capacity = max(self._capacity, T_new)
            self._k = np.empty((B, h_kv, capacity, d_head), dtype=k_new.dtype)
            self._v = np.empty_like(self._k)
        elif (B, h_kv, d_head) != (self._k.shape[0], self._k.shape[1], self._k.shape[3]) \
                or k_new.dtype != self._k.dtype:
            raise ValueError(f"k_new has shape {k_new.shape} ({k_new.dtype}) but the cache holds "
                             f"(B, h_kv, S, d_head) = {self.keys.shape} ({self._k.dtype})")
        S = self.length + T_new
        if S > self._k.shape[2]:  # grow by doubling: amortised O(1) per appended token
            capacity = max(S, min(2 * self._k.shape[2], S + MAX_ITEMS))
            for name in ("_k", "_v"):
                old = getattr(self, name)
                new = np.empty(old.shape[:2] + (capacity, d_head), dtype=old.dtype)
                new[:, :, :self.length] = old[:, :, :self.length]
                setattr(self, name, new)
        self._k[:, :, self.length:S] = k_new  # (B, h_kv, S, d_head) after this write
        self._v[:, :, self.length:S] = v_new
        self.length = S
        return self.keys, self.values

    def truncate(self, length: int) -> None:
        """Forget every position from ``length`` on (0 <= length <= current length)."""
        length = check_nonnegative_int(length, "length")
        if length > self.length:
            raise ValueError(f"cannot truncate a cache of length {self.length} to {length}")
        self.length = length

    @property
    def nbytes(self) -> int:
        """Bytes used by the cached entries (not the spare capacity)."""
        return 0 if self._k is None else 2 * self.keys.nbytes


class KVCache:
    """One ``LayerKVCache`` per layer: the cache of a whole decoder.

    Parameters
    ----------
    n_layers : int, 1 .. 100,000
    batch_size : int
        B; every forward pass that uses this cache must have this batch size.
    max_len : int, optional
        If given, appending past it raises ValueError (the model's position limit).
    """

    def __init__(self, n_layers: int, batch_size: int = 1, max_len: int | None = None):
        n_layers = check_positive_int(n_layers, "n_layers", max_value=MAX_ITEMS)
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.max_len = None if max_len is None else check_positive_int(max_len, "max_len")
        self.layers = [LayerKVCache() for _ in range(n_layers)]

    @property
    def length(self) -> int:
        """Number of cached positions (the same in every layer after a forward pass)."""
        return self.layers[0].length

    def check_append(self, batch_size: int, T_new: int) -> None:
        """Raise ValueError if appending (batch_size, T_new) tokens is not allowed."""
        batch_size = check_positive_int(batch_size, "batch_size")
        T_new = check_nonnegative_int(T_new, "T_new")
        if batch_size != self.batch_size:
            raise ValueError(f"ids has batch size {batch_size} but the cache was made for "
                             f"batch_size={self.batch_size}")
        if self.max_len is not None and self.length + T_new > self.max_len:
            raise ValueError(f"cache holds {self.length} positions; adding {T_new} exceeds "
                             f"max_len={self.max_len}")

    def truncate(self, length: int) -> None:
        """Roll every layer back to ``length`` positions (e.g. after rejected draft tokens)."""
        for layer in self.layers:
            layer.truncate(length)

    @property
    def nbytes(self) -> int:
        """Bytes used by all cached keys and values."""
        return sum(layer.nbytes for layer in self.layers)
