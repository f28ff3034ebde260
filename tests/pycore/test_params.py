"""Tests for pycore.params: names, shapes, init, and count_parameters == sizes of init_params."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pycore as pc
from pycore.config import ACTIVATIONS, NORM_POSITIONS, NORMS, POSITIONALS
from pycore.params import MODEL_KINDS

BASE = dict(vocab_size=11, d_model=8, n_heads=2, n_layers=2, d_ff=12, max_len=8)


def total_size(params):
    return sum(a.size for a in pc.flatten_params(params).values())


@st.composite
def configs(draw):
    n_kv = draw(st.integers(1, 4))
    n_heads = n_kv * draw(st.integers(1, 3))
    d_head = 2 * draw(st.integers(1, 4))
    return pc.TransformerConfig(
        vocab_size=draw(st.integers(1, 40)), d_model=n_heads * d_head, n_heads=n_heads,
        n_kv_heads=n_kv, n_layers=draw(st.integers(1, 3)), d_ff=draw(st.integers(1, 20)),
        max_len=draw(st.integers(1, 16)), norm=draw(st.sampled_from(NORMS)),
        norm_position=draw(st.sampled_from(NORM_POSITIONS)),
        positional=draw(st.sampled_from(POSITIONALS)),
        activation=draw(st.sampled_from(ACTIVATIONS)), tie_embeddings=draw(st.booleans()))


@settings(max_examples=60, deadline=None)
@given(config=configs(), kind=st.sampled_from(MODEL_KINDS))
def test_count_equals_sizes_of_init_params(config, kind):
    params = pc.init_params(config, seed=0, kind=kind)
    assert pc.count_parameters(config, kind) == total_size(params), (config, kind)
    pc.check_params(params, config, kind)  # and the names/shapes are the documented ones


def test_published_counts():
    # GPT-2 small with tied embeddings: 124,439,808 (the "124M" model).
    assert pc.count_parameters(pc.TransformerConfig.preset("gpt2-small")) == 124_439_808
    # GPT-3: "175B" (Brown et al. 2020, table 2.1).
    assert round(pc.count_parameters(pc.TransformerConfig.preset("gpt3-175b")) / 1e9, 1) == 174.6


def test_documented_names_and_shapes():
    c = pc.TransformerConfig(**dict(BASE, n_heads=4), n_kv_heads=2, tie_embeddings=False,
                             activation="swiglu", norm="rms")
    p = pc.init_params(c)
    assert p["tokens"].shape == (11, 8)
    assert p["positions"].shape == (8, 8)
    layer = p["layers"][1]
    assert set(layer) == {"attn_norm", "attn", "ffn_norm", "ffn"}
    assert layer["attn"]["W_q"].shape == (8, 8)
    assert layer["attn"]["W_k"].shape == (8, 4)  # h_kv * d_head = 2 * 2
    assert layer["attn"]["b_v"].shape == (4,)
    assert layer["attn"]["W_o"].shape == (8, 8)
    assert set(layer["ffn"]) == {"W_gate", "W_up", "W_down"}
    assert set(layer["attn_norm"]) == {"weight"}
    assert p["lm_head"].shape == (8, 11)
    assert "final_norm" in p
    post = pc.init_params(c.replace(norm_position="post", positional="rope", tie_embeddings=True))
    assert "final_norm" not in post and "positions" not in post and "lm_head" not in post
    s2s = pc.init_params(c, kind="seq2seq")
    assert set(s2s["decoder"]["layers"][0]) == {"attn_norm", "attn", "cross_norm", "cross_attn",
                                                "ffn_norm", "ffn"}
    assert "lm_head" not in s2s["encoder"]


def test_init_statistics_and_seed():
    c = pc.TransformerConfig.preset("tiny")
    a, b, other = pc.init_params(c, seed=3), pc.init_params(c, seed=3), pc.init_params(c, seed=4)
    np.testing.assert_array_equal(a["tokens"], b["tokens"], err_msg="same seed, same tokens")
    assert not np.array_equal(a["tokens"], other["tokens"])
    assert abs(a["tokens"].std() - 0.02) < 0.002
    # Residual projections are scaled by 1/sqrt(2 n_layers) = 1/2 (GPT-2).
    assert abs(a["layers"][0]["attn"]["W_o"].std() - 0.01) < 0.002
    np.testing.assert_array_equal(a["layers"][0]["attn_norm"]["gamma"], 1.0, err_msg="gamma")
    np.testing.assert_array_equal(a["layers"][0]["attn"]["b_q"], 0.0, err_msg="b_q")
    assert pc.init_params(c, dtype=np.float32)["tokens"].dtype == np.float32


def test_flatten_unflatten_round_trip():
    c = pc.TransformerConfig(**BASE)
    p = pc.init_params(c)
    flat = pc.flatten_params(p)
    assert flat["layers.1.attn.W_q"] is p["layers"][1]["attn"]["W_q"], "flat views, not copies"
    back = pc.unflatten_params(flat, pc.parameter_shapes(c))
    assert back["layers"][1]["ffn"]["W1"] is p["layers"][1]["ffn"]["W1"]


def test_bad_inputs():
    c = pc.TransformerConfig(**BASE)
    with pytest.raises(TypeError, match="TransformerConfig"):
        pc.init_params(dict(BASE))
    with pytest.raises(TypeError, match="TransformerConfig"):
        pc.count_parameters(dict(BASE))
    with pytest.raises(ValueError, match="kind must be one of"):
        pc.init_params(c, kind="gpt")
    with pytest.raises(TypeError, match="dtype"):
        pc.init_params(c, dtype=np.int32)
    p = pc.init_params(c)
    del p["layers"][0]["attn"]["W_q"]
    p["layers"][1]["ffn"]["W1"] = np.zeros((3, 3))
    with pytest.raises(ValueError, match=r"missing \['layers.0.attn.W_q'\].*layers.1.ffn.W1 "
                                         r"\(3, 3\) \(expected \(8, 12\)\)"):
        pc.check_params(p, c)
    with pytest.raises(ValueError, match="without dots"):
        pc.flatten_params({"a.b": np.zeros(2)})
