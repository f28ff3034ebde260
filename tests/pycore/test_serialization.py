"""Tests for pycore.serialization: .npz round trip with the config, and clear load failures."""

from __future__ import annotations

import json

import numpy as np
import pytest

import pycore as pc


def test_round_trip(tmp_path, rng):
    config = pc.TransformerConfig(vocab_size=9, d_model=8, n_heads=4, n_kv_heads=2, n_layers=2,
                                  d_ff=6, max_len=5, norm="rms", positional="rope",
                                  tie_embeddings=False)
    model = pc.DecoderLM(config, seed=3)
    path = tmp_path / "model.npz"
    pc.save(path, model.params, config)
    params, loaded_config = pc.load(path)
    assert loaded_config == config
    for name, a in pc.flatten_params(model.params).items():
        np.testing.assert_array_equal(pc.flatten_params(params)[name], a, err_msg=name)
    ids = rng.integers(0, 9, size=(1, 5))
    np.testing.assert_array_equal(pc.DecoderLM(loaded_config, params).forward(ids),
                                  model.forward(ids), err_msg="logits after load")


def test_seq2seq_round_trip(tmp_path):
    config = pc.TransformerConfig(vocab_size=9, d_model=4, n_heads=2, n_layers=1, d_ff=6,
                                  max_len=5)
    params = pc.init_params(config, kind="seq2seq", dtype=np.float32)
    pc.save(tmp_path / "s2s.npz", params, config, kind="seq2seq")
    loaded, _ = pc.load(tmp_path / "s2s.npz")
    assert loaded["decoder"]["layers"][0]["cross_attn"]["W_q"].dtype == np.float32
    pc.Seq2Seq(config, loaded)  # validates names and shapes


def _rewrite(path, edit):
    """Load the raw arrays of a saved file, apply ``edit`` to the dict, write it back."""
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files}
    edit(arrays)
    np.savez(path, **arrays)


def test_missing_and_misshaped_arrays_fail_clearly(tmp_path):
    config = pc.TransformerConfig(vocab_size=9, d_model=4, n_heads=2, n_layers=2, d_ff=6,
                                  max_len=5)
    path = tmp_path / "m.npz"
    pc.save(path, pc.init_params(config), config)
    _rewrite(path, lambda a: a.pop("layers.1.ffn.W2"))
    with pytest.raises(ValueError, match=r"missing \['layers.1.ffn.W2'\]"):
        pc.load(path)
    pc.save(path, pc.init_params(config), config)
    _rewrite(path, lambda a: a.update({"tokens": np.zeros((8, 4))}))
    with pytest.raises(ValueError, match=r"tokens \(8, 4\) \(expected \(9, 4\)\)"):
        pc.load(path)
    pc.save(path, pc.init_params(config), config)
    _rewrite(path, lambda a: a.update({"extra": np.zeros(2)}))
    with pytest.raises(ValueError, match=r"unexpected \['extra'\]"):
        pc.load(path)


def test_missing_or_bad_config(tmp_path):
    path = tmp_path / "raw.npz"
    np.savez(path, tokens=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="no '__config__' entry"):
        pc.load(path)
    config = pc.TransformerConfig(vocab_size=9, d_model=4, n_heads=2, n_layers=1, d_ff=6,
                                  max_len=5)
    pc.save(path, pc.init_params(config), config)
    bad = dict(config.to_dict(), n_head=2)
    _rewrite(path, lambda a: a.update({"__config__": np.array(json.dumps(bad))}))
    with pytest.raises(ValueError, match=r"unknown config key\(s\) \['n_head'\]"):
        pc.load(path)


def test_save_rejects_mismatched_params(tmp_path):
    config = pc.TransformerConfig(vocab_size=9, d_model=4, n_heads=2, n_layers=1, d_ff=6,
                                  max_len=5)
    params = pc.init_params(config)
    with pytest.raises(ValueError, match="missing"):
        pc.save(tmp_path / "x.npz", params, config.replace(n_layers=2))
    with pytest.raises(TypeError, match="TransformerConfig"):
        pc.save(tmp_path / "x.npz", params, config.to_dict())
    with pytest.raises(ValueError, match="kind must be one of"):
        pc.save(tmp_path / "x.npz", params, config, kind="gpt")
    assert not (tmp_path / "x.npz").exists()
