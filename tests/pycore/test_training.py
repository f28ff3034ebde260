"""Tests for pycore.training: batches, and a training loop that actually learns."""

from __future__ import annotations

import numpy as np
import pytest

import pycore as pc


def test_get_batch_targets_are_next_tokens(rng):
    data = np.arange(100)
    ids, targets = pc.get_batch(data, 4, 7, rng)
    assert ids.shape == targets.shape == (4, 7)
    np.testing.assert_array_equal(targets, ids + 1, err_msg="targets = ids shifted by one")
    np.testing.assert_array_equal(np.diff(ids, axis=1), 1, err_msg="windows are contiguous")


def test_training_learns_a_repeating_pattern():
    config = pc.TransformerConfig(vocab_size=6, d_model=16, n_heads=2, n_layers=1, d_ff=32,
                                  max_len=12)
    model = pc.DecoderLM(config, seed=0)
    # "1" is followed by 4 after "3" and by 5 after "4": predicting it needs the token before,
    # so the loss can only fall this low if attention learns to look back.
    data = np.tile(np.array([0, 3, 1, 4, 1, 5]), 40)
    history = list(pc.train(model, data, steps=60, batch_size=8, seq_len=12, lr=1e-2, seed=1))
    assert [h["step"] for h in history] == list(range(1, 61))
    assert set(history[0]) >= {"step", "loss", "lr", "grad_norm", "tokens", "seconds"}
    assert history[-1]["tokens"] == 60 * 8 * 12
    first, last = history[0]["loss"], np.mean([h["loss"] for h in history[-5:]])
    assert abs(first - np.log(6)) < 0.1, "an untrained model predicts nearly uniformly"
    assert last < 0.3, f"loss only fell from {first:.3f} to {last:.3f}"
    lrs = [h["lr"] for h in history]
    assert max(lrs) == pytest.approx(1e-2) and lrs[0] < lrs[6] and lrs[-1] < lrs[10]


def test_training_is_reproducible():
    config = pc.TransformerConfig(vocab_size=5, d_model=8, n_heads=2, n_layers=1, d_ff=8,
                                  max_len=6)
    data = np.random.default_rng(0).integers(0, 5, size=50)
    runs = []
    for _ in range(2):
        model = pc.DecoderLM(config, seed=0)
        runs.append([h["loss"] for h in pc.train(model, data, steps=3, batch_size=2, seed=7)])
    assert runs[0] == runs[1]


def test_bad_inputs():
    config = pc.TransformerConfig(vocab_size=5, d_model=8, n_heads=2, n_layers=1, d_ff=8,
                                  max_len=6)
    model = pc.DecoderLM(config)
    data = np.zeros(20, dtype=int)
    with pytest.raises(TypeError, match="model must be a DecoderLM"):
        pc.train(model.params, data, steps=1)
    with pytest.raises(ValueError, match="seq_len=7 exceeds the model's max_len=6"):
        pc.train(model, data, steps=1, seq_len=7)
    with pytest.raises(ValueError, match="steps"):
        pc.train(model, data, steps=0)
    with pytest.raises(ValueError, match="data has 4 tokens; need more than seq_len=6"):
        pc.train(model, data[:4], steps=1, seq_len=6)
    with pytest.raises(ValueError, match="data has shape"):
        pc.get_batch(np.zeros((2, 10), dtype=int), 2, 3, np.random.default_rng(0))
    with pytest.raises(TypeError, match="data must be an integer array"):
        pc.get_batch(np.full(10, 0.5), 2, 3, np.random.default_rng(0))
