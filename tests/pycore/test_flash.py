"""Tests for pycore.flash: tiled attention equals naive attention, and stays O(T) in memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pycore as pc

SETTINGS = settings(max_examples=30, deadline=None)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), T_q=st.integers(1, 20), extra=st.integers(0, 10),
       d=st.integers(1, 6), block_size=st.integers(1, 25), causal=st.booleans())
def test_equals_naive_attention(seed, T_q, extra, d, block_size, causal):
    rng = np.random.default_rng(seed)
    T_k = T_q + extra
    q = rng.normal(scale=2.0, size=(2, T_q, d))
    k = rng.normal(scale=2.0, size=(2, T_k, d))
    v = rng.normal(size=(2, T_k, 3))
    mask = pc.causal_mask(T_q, T_k) if causal else None
    expected = pc.scaled_dot_product_attention(q, k, v, mask)
    out = pc.flash_attention(q, k, v, block_size=block_size, causal=causal)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12,
                               err_msg=f"flash (block {block_size}, causal={causal}) vs naive")


def test_broadcast_heads_and_float32(rng):
    q = rng.normal(size=(2, 3, 10, 4)).astype(np.float32)
    k = rng.normal(size=(1, 3, 10, 4)).astype(np.float32)
    v = rng.normal(size=(1, 3, 10, 5)).astype(np.float32)
    out = pc.flash_attention(q, k, v, block_size=4, causal=True)
    assert out.dtype == np.float32 and out.shape == (2, 3, 10, 5)
    expected = pc.scaled_dot_product_attention(q, k, v, pc.causal_mask(10))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6, err_msg="float32 flash")


def test_bad_inputs(rng):
    q = rng.normal(size=(4, 3))
    with pytest.raises(ValueError, match="block_size must be a positive integer, got 0"):
        pc.flash_attention(q, q, q, block_size=0)
    with pytest.raises(ValueError, match=r"causal attention needs T_k >= T_q; got q \(4, 3\), "
                                         r"k \(2, 3\)"):
        pc.flash_attention(q, q[:2], q[:2], causal=True)
    with pytest.raises(ValueError, match=r"k has shape \(4, 2\), expected \(..., T_k, 3\)"):
        pc.flash_attention(q, q[:, :2], q)
    with pytest.raises(ValueError, match=r"v has shape \(3, 3\), expected \(..., 4, d_v\)"):
        pc.flash_attention(q, q, q[:3])
    with pytest.raises(ValueError, match=r"q has shape \(3,\) \(1 dims\), expected at least 2"):
        pc.flash_attention(q[0], q, q)
    with pytest.raises(ValueError, match=r"v \(shape \(4, 3\)\) contains 1 non-finite"):
        bad = q.copy()
        bad[1, 1] = np.inf
        pc.flash_attention(q, q, bad)


def _peak_bytes(f):
    tracemalloc.start()
    try:
        f()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_never_materialises_the_score_matrix(rng):
    T, d, block = 1024, 16, 64
    q, k, v = (rng.normal(size=(T, d)) for _ in range(3))
    scores_bytes = T * T * 8  # one float64 T x T matrix: 8 MiB
    flash_peak = _peak_bytes(lambda: pc.flash_attention(q, k, v, block_size=block))
    naive_peak = _peak_bytes(lambda: pc.scaled_dot_product_attention(q, k, v))
    assert naive_peak >= scores_bytes, "the naive path should hold at least one T x T matrix"
    assert flash_peak < scores_bytes / 8, (
        f"flash_attention peaked at {flash_peak} bytes; a T x T matrix is {scores_bytes}"
    )
