"""Tests for pycore.encoder: bidirectional Encoder with padding, Seq2Seq with cross-attention."""

from __future__ import annotations

import numpy as np
import pytest
from test_block import randomise

import pycore as pc

TINY = dict(vocab_size=11, d_model=8, n_heads=2, n_layers=2, d_ff=12, max_len=10)


def make(cls, seed=0, **overrides):
    config = pc.TransformerConfig(**dict(TINY, **overrides))
    kind = "encoder" if cls is pc.Encoder else "seq2seq"
    params = randomise(pc.init_params(config, kind=kind), np.random.default_rng(seed))
    return cls(config, params)


def test_encoder_is_bidirectional(rng):
    enc = make(pc.Encoder)
    ids = rng.integers(0, 11, size=(1, 6))
    changed = ids.copy()
    changed[0, 5] = (ids[0, 5] + 1) % 11
    before, after = enc(ids), enc(changed)
    assert before.shape == (1, 6, 8)
    assert np.abs(after[0, 0] - before[0, 0]).max() > 1e-6, "token 0 must see token 5"


@pytest.mark.parametrize("positional", ["learned", "rope", "alibi", "sinusoidal"])
def test_padding_does_not_change_real_positions(rng, positional):
    enc = make(pc.Encoder, positional=positional)
    ids = rng.integers(0, 11, size=(2, 7))
    lengths = np.array([7, 4])
    out = enc.forward(ids, lengths)
    other_padding = ids.copy()
    other_padding[1, 4:] = (ids[1, 4:] + 3) % 11
    np.testing.assert_allclose(enc.forward(other_padding, lengths)[1, :4], out[1, :4],
                               rtol=1e-13, err_msg="padding tokens leaked into real ones")
    alone = enc.forward(ids[1:, :4])  # the same sequence without padding at all
    np.testing.assert_allclose(out[1, :4], alone[0], rtol=1e-12, atol=1e-13,
                               err_msg="padded vs unpadded encoding")
    _, diag = enc.forward(ids, lengths, return_diagnostics=True)
    np.testing.assert_array_equal(diag["attention"][0][1, :, :, 4:], 0,
                                  err_msg="weight on padding keys")


@pytest.mark.parametrize("overrides", [dict(), dict(norm_position="post", norm="rms",
                                                    positional="rope", n_kv_heads=1)])
def test_seq2seq_cached_decode_equals_full(rng, overrides):
    model = make(pc.Seq2Seq, **overrides)
    src = rng.integers(0, 11, size=(2, 6))
    tgt = rng.integers(0, 11, size=(2, 5))
    lengths = np.array([6, 3])
    full = model.forward(src, tgt, src_lengths=lengths)
    assert full.shape == (2, 5, 11)
    memory = model.encode(src, lengths)  # encoded once
    cache = model.new_cache(batch_size=2)
    steps = [model.decode(tgt[:, t:t + 1], memory, cache=cache, src_lengths=lengths)
             for t in range(5)]
    np.testing.assert_allclose(np.concatenate(steps, axis=1), full, rtol=1e-11, atol=1e-12,
                               err_msg="cached decode vs full")
    assert cache.length == 5 and cache.cross[0].length == 6


def test_seq2seq_cross_attention_diagnostics(rng):
    model = make(pc.Seq2Seq)
    src, tgt = rng.integers(0, 11, size=(2, 6)), rng.integers(0, 11, size=(2, 4))
    lengths = np.array([6, 2])
    logits, diag = model.forward(src, tgt, src_lengths=lengths, return_diagnostics=True)
    cross = diag["cross_attention"]
    assert len(cross) == 2 and cross[0].shape == (2, 2, 4, 6)
    np.testing.assert_allclose(cross[1].sum(-1), 1, rtol=1e-13, err_msg="cross rows")
    np.testing.assert_array_equal(cross[0][1, :, :, 2:], 0, err_msg="cross weight on padding")
    assert diag["attention"][0].shape == (2, 2, 4, 4)
    # The decoder is causal: a later target token leaves earlier logits unchanged.
    changed = tgt.copy()
    changed[:, 3] = (tgt[:, 3] + 1) % 11
    np.testing.assert_array_equal(model.forward(src, changed, src_lengths=lengths)[:, :3],
                                  logits[:, :3], err_msg="decoder causality")


def test_bad_inputs(rng):
    enc, s2s = make(pc.Encoder), make(pc.Seq2Seq)
    ids = rng.integers(0, 11, size=(2, 5))
    with pytest.raises(ValueError, match=r"lengths has shape \(3,\), expected \(2,\) for"):
        enc.forward(ids, np.array([5, 4, 3]))
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, S=5\]"):
        enc.forward(ids, np.array([5, 0]))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, V=11\)"):
        enc.forward(ids + 11)
    memory = s2s.encode(ids)
    with pytest.raises(ValueError, match=r"memory has shape \(2, 5, 8\), expected \(1, S, 8\)"):
        s2s.decode(ids[:1], memory)
    with pytest.raises(ValueError, match="tgt_ids has shape"):
        s2s.decode(ids[0], memory)
    with pytest.raises(ValueError, match="missing"):
        pc.Seq2Seq(s2s.config, {"encoder": s2s.params["encoder"]})
    with pytest.raises(TypeError, match="TransformerConfig"):
        pc.Encoder(TINY)
