"""Tests for pycore.config: validation with actionable messages, presets, from_dict."""

from __future__ import annotations

import dataclasses

import pytest

import pycore as pc
from pycore.config import ACTIVATIONS, NORM_POSITIONS, NORMS, POSITIONALS

BASE = dict(vocab_size=11, d_model=8, n_heads=2, n_layers=1, d_ff=12, max_len=8)


def test_defaults_and_derived_fields():
    c = pc.TransformerConfig(**BASE)
    assert c.n_kv_heads == 2, "n_kv_heads=None must resolve to n_heads"
    assert c.d_head == 4
    assert (c.norm, c.norm_position, c.positional, c.activation, c.tie_embeddings) == (
        "layer", "pre", "learned", "gelu", True)


def test_frozen():
    c = pc.TransformerConfig(**BASE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.d_model = 16


@pytest.mark.parametrize("field", ["vocab_size", "d_model", "n_heads", "n_layers", "d_ff",
                                   "max_len", "n_kv_heads"])
@pytest.mark.parametrize("value", [0, -3])
def test_non_positive_sizes_rejected(field, value):
    with pytest.raises(ValueError, match=field):
        pc.TransformerConfig(**dict(BASE, **{field: value}))


def test_non_integer_size_rejected():
    with pytest.raises(TypeError, match="d_model"):
        pc.TransformerConfig(**dict(BASE, d_model=8.0))


def test_d_model_not_divisible_by_heads():
    with pytest.raises(ValueError, match=r"d_model=100 is not divisible by n_heads=12"):
        pc.TransformerConfig(**dict(BASE, d_model=100, n_heads=12))


def test_heads_not_divisible_by_kv_heads():
    with pytest.raises(ValueError, match=r"n_heads=4 is not divisible by n_kv_heads=3"):
        pc.TransformerConfig(**dict(BASE, n_heads=4, n_kv_heads=3))


@pytest.mark.parametrize("field", ["norm", "norm_position", "positional", "activation"])
def test_unknown_strings_rejected(field):
    with pytest.raises(ValueError, match=f"{field} must be one of .*'bogus'"):
        pc.TransformerConfig(**dict(BASE, **{field: "bogus"}))


def test_every_documented_choice_accepted():
    for norm in NORMS:
        for pos in NORM_POSITIONS:
            for positional in POSITIONALS:
                for act in ACTIVATIONS:
                    c = pc.TransformerConfig(**BASE, norm=norm, norm_position=pos,
                                             positional=positional, activation=act)
                    assert c.positional == positional


def test_rope_needs_even_head_width():
    with pytest.raises(ValueError, match="d_head must be even"):
        pc.TransformerConfig(**dict(BASE, d_model=6, n_heads=2), positional="rope")


def test_sinusoidal_needs_even_width():
    with pytest.raises(ValueError, match="even d_model"):
        pc.TransformerConfig(**dict(BASE, d_model=9, n_heads=3), positional="sinusoidal")


def test_tie_embeddings_must_be_bool():
    with pytest.raises(TypeError, match="tie_embeddings"):
        pc.TransformerConfig(**BASE, tie_embeddings="yes")


def test_from_dict_round_trip_and_unknown_key():
    c = pc.TransformerConfig(**BASE, n_kv_heads=1, positional="rope")
    assert pc.TransformerConfig.from_dict(c.to_dict()) == c
    with pytest.raises(ValueError, match=r"unknown config key\(s\) \['d_modle'\]"):
        pc.TransformerConfig.from_dict(dict(BASE, d_modle=8))
    with pytest.raises(TypeError, match="config must be a dict"):
        pc.TransformerConfig.from_dict([1, 2])


def test_presets():
    for name in pc.PRESETS:
        c = pc.TransformerConfig.preset(name)
        assert c.d_model % c.n_heads == 0, name
    gpt2 = pc.TransformerConfig.preset("gpt2-small")
    assert (gpt2.d_model, gpt2.n_heads, gpt2.d_head) == (768, 12, 64)
    gpt3 = pc.TransformerConfig.preset("gpt3-175b")
    assert (gpt3.n_layers, gpt3.n_heads, gpt3.d_model, gpt3.d_ff, gpt3.max_len) == (
        96, 96, 12288, 49152, 2048)
    llama = pc.TransformerConfig.preset("llama3-70b")
    assert (llama.n_layers, llama.n_heads, llama.n_kv_heads, llama.d_head) == (80, 64, 8, 128)
    assert pc.TransformerConfig.preset("tiny", n_layers=3).n_layers == 3
    with pytest.raises(ValueError, match="preset name must be one of"):
        pc.TransformerConfig.preset("gpt5")
    with pytest.raises(ValueError, match="unknown config key"):
        pc.TransformerConfig.preset("tiny", layers=3)


def test_replace_revalidates():
    c = pc.TransformerConfig(**BASE)
    assert c.replace(n_layers=3).n_layers == 3
    with pytest.raises(ValueError, match="not divisible"):
        c.replace(n_heads=3)
