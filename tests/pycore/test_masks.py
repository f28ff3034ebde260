"""Tests for pycore.masks: causal and padding masks, their alignment and their errors."""

from __future__ import annotations

import numpy as np
import pytest

import pycore as pc


def test_causal_square():
    expected = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool)
    mask = pc.causal_mask(4)
    assert mask.dtype == np.bool_
    np.testing.assert_array_equal(mask, expected, err_msg="causal_mask(4)")


def test_causal_with_cached_keys():
    # 2 new queries after 3 cached tokens: they sit at absolute positions 3 and 4.
    expected = np.array([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]], dtype=bool)
    np.testing.assert_array_equal(pc.causal_mask(2, 5), expected, err_msg="causal_mask(2, 5)")


def test_causal_bad_inputs():
    with pytest.raises(ValueError, match="T must be a positive integer, got 0"):
        pc.causal_mask(0)
    with pytest.raises(ValueError, match="S must be a positive integer, got -1"):
        pc.causal_mask(3, -1)
    with pytest.raises(ValueError, match="needs S >= T .* got T=4, S=2"):
        pc.causal_mask(4, 2)
    with pytest.raises(TypeError, match=r"T must be an integer, got 2.5"):
        pc.causal_mask(2.5)


def test_padding_mask_values():
    mask = pc.padding_mask([3, 1], T=4)
    assert mask.shape == (2, 1, 1, 4) and mask.dtype == np.bool_
    np.testing.assert_array_equal(mask[:, 0, 0], [[1, 1, 1, 0], [1, 0, 0, 0]],
                                  err_msg="padding_mask([3, 1], 4)")


def test_padding_mask_broadcasts_in_attention(rng):
    q = rng.normal(size=(2, 3, 4, 5))  # (B, h, T, d_head)
    mask = pc.padding_mask([4, 2], T=4)
    _, w = pc.scaled_dot_product_attention(q, q, q, mask, return_weights=True)
    np.testing.assert_array_equal(w[1, :, :, 2:], 0.0, err_msg="weights on padding keys")
    assert np.all(w[1, :, :, :2] > 0)


def test_padding_bad_inputs():
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, T=4\], got \[3, 0\]"):
        pc.padding_mask([3, 0], 4)
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, T=4\], got \[5\]"):
        pc.padding_mask([5], 4)
    with pytest.raises(ValueError, match=r"lengths must lie in .*got \[-1\]"):
        pc.padding_mask([-1], 4)
    with pytest.raises(ValueError, match=r"lengths has shape \(1, 2\) \(2 dims\), expected 1"):
        pc.padding_mask([[1, 2]], 4)
    with pytest.raises(TypeError, match="lengths must be an integer array"):
        pc.padding_mask([1.5], 4)
    with pytest.raises(ValueError, match="T must be a positive integer"):
        pc.padding_mask([1], 0)
