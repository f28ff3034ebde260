"""Tests for pycore.heads: split/merge shapes, layout, round trip and errors."""

from __future__ import annotations

import numpy as np
import pytest

import pycore as pc


def test_gpt2_small_shapes():
    x = np.zeros((2, 10, 768))  # (B, T, d_model)
    heads = pc.split_heads(x, 12)
    assert heads.shape == (2, 12, 10, 64), "768 / 12 heads should give d_head = 64"
    assert pc.merge_heads(heads).shape == (2, 10, 768)


def test_head_i_holds_its_feature_slice(rng):
    x = rng.normal(size=(2, 5, 12))
    heads = pc.split_heads(x, 3)
    for i in range(3):
        np.testing.assert_array_equal(heads[:, i], x[:, :, 4 * i:4 * (i + 1)],
                                      err_msg=f"head {i}")


def test_round_trip_and_dtype(rng):
    x = rng.normal(size=(3, 7, 8)).astype(np.float32)
    heads = pc.split_heads(x, 4)
    assert heads.dtype == np.float32
    np.testing.assert_array_equal(pc.merge_heads(heads), x, err_msg="merge(split(x))")
    y = rng.normal(size=(3, 4, 7, 2))
    np.testing.assert_array_equal(pc.split_heads(pc.merge_heads(y), 4), y,
                                  err_msg="split(merge(y))")


def test_extra_leading_dims(rng):
    x = rng.normal(size=(2, 3, 5, 6))
    assert pc.split_heads(x, 2).shape == (2, 3, 2, 5, 3)
    np.testing.assert_array_equal(pc.merge_heads(pc.split_heads(x, 2)), x, err_msg="4-D x")


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"x has shape \(1, 4, 10\): D=10 is not divisible by "
                                         r"n_heads=3"):
        pc.split_heads(np.zeros((1, 4, 10)), 3)
    with pytest.raises(ValueError, match=r"x has shape \(10,\) \(1 dims\), expected at least 2"):
        pc.split_heads(np.zeros(10), 2)
    with pytest.raises(ValueError, match="n_heads must be a positive integer, got 0"):
        pc.split_heads(np.zeros((1, 2, 4)), 0)
    with pytest.raises(ValueError, match=r"x has shape \(2, 4\) \(2 dims\), expected at least 3"):
        pc.merge_heads(np.zeros((2, 4)))
