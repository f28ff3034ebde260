"""Tests for pycore.kv_cache: the memory formula (chapter facts) and the cache objects."""

from __future__ import annotations

import numpy as np
import pytest

import pycore as pc


def test_llama3_70b_cache_size_from_the_facts():
    # 80 layers, 8 KV heads, d_head 128, fp16, 4,096 tokens -> 1.34 GB with GQA.
    gqa = pc.kv_cache_bytes(80, 8, 128, 4096, bytes_per_value=2)
    assert gqa == 2 * 80 * 8 * 128 * 4096 * 2
    assert round(gqa / 1e9, 2) == 1.34
    # ... and 10.7 GB if all 64 query heads kept their own keys and values.
    mha = pc.kv_cache_bytes(80, 64, 128, 4096)
    assert round(mha / 1e9, 1) == 10.7
    assert mha == 8 * gqa


def test_cache_bytes_scale_with_batch_and_precision():
    base = pc.kv_cache_bytes(2, 4, 16, 10)
    assert pc.kv_cache_bytes(2, 4, 16, 10, bytes_per_value=4, batch=3) == 6 * base
    assert pc.kv_cache_bytes(2, 4, 16, 0) == 0


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(n_layers=0), ValueError, "n_layers"),
    (dict(n_kv_heads=-1), ValueError, "n_kv_heads"),
    (dict(d_head=2.5), TypeError, "d_head"),
    (dict(T=-1), ValueError, "T must be a non-negative"),
    (dict(bytes_per_value=0), ValueError, "bytes_per_value"),
    (dict(batch=0), ValueError, "batch"),
])
def test_cache_bytes_bad_inputs(kwargs, exc, match):
    args = dict(n_layers=2, n_kv_heads=2, d_head=4, T=3)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        pc.kv_cache_bytes(**args)


def test_layer_cache_append_grow_truncate(rng):
    cache = pc.LayerKVCache(initial_capacity=2)
    chunks = [rng.standard_normal((2, 3, t, 4)) for t in (1, 3, 5)]
    for i, k in enumerate(chunks):
        keys, values = cache.append(k, -k)
        expected = np.concatenate(chunks[:i + 1], axis=2)  # (B, h_kv, S, d_head)
        np.testing.assert_array_equal(keys, expected, err_msg=f"keys after append {i}")
        np.testing.assert_array_equal(values, -expected, err_msg=f"values after append {i}")
    assert cache.length == 9
    assert cache.nbytes == 2 * 2 * 3 * 9 * 4 * 8
    cache.truncate(4)
    assert cache.length == 4 and cache.keys.shape == (2, 3, 4, 4)
    keys, _ = cache.append(chunks[2], chunks[2])
    np.testing.assert_array_equal(keys[:, :, 4:], chunks[2], err_msg="keys after truncate")


def test_layer_cache_bad_inputs(rng):
    cache = pc.LayerKVCache()
    k = rng.standard_normal((1, 2, 3, 4))
    with pytest.raises(ValueError, match="expected 4 dims"):
        cache.append(k[0], k[0])
    with pytest.raises(ValueError, match="v_new has shape"):
        cache.append(k, k[..., :2])
    cache.append(k, k)
    with pytest.raises(ValueError, match="but the cache holds"):
        cache.append(k[..., :2], k[..., :2])
    with pytest.raises(ValueError, match="cannot truncate a cache of length 3 to 5"):
        cache.truncate(5)


def test_model_cache_checks():
    cache = pc.KVCache(n_layers=2, batch_size=2, max_len=5)
    assert cache.length == 0 and len(cache.layers) == 2
    with pytest.raises(ValueError, match="batch_size=2"):
        cache.check_append(1, 1)
    with pytest.raises(ValueError, match="exceeds max_len=5"):
        cache.check_append(2, 6)
    with pytest.raises(ValueError, match="n_layers"):
        pc.KVCache(0)
