"""Tests for pycore.block: pre/post norm blocks (with and without cross-attention) backward."""

from __future__ import annotations

import numpy as np
import pytest

import pycore as pc


def randomise(params, rng):
    """Replace every array with random values (norm gains near 1) so every path matters."""
    for name, a in pc.flatten_params(params).items():
        gain = name.endswith(("gamma", "weight"))
        scale = 0.2 if a.ndim == 1 else 0.5
        a[...] = (1.0 if gain else 0.0) + scale * rng.standard_normal(a.shape)
    return params


VARIANTS = [
    dict(norm_position="pre", norm="layer", activation="gelu"),
    dict(norm_position="post", norm="layer", activation="relu"),
    dict(norm_position="pre", norm="rms", activation="swiglu", positional="rope", n_kv_heads=1),
    dict(norm_position="post", norm="rms", activation="swiglu", positional="alibi"),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: "-".join(map(str, v.values())))
@pytest.mark.parametrize("cross", [False, True])
def test_block_backward_finite_differences(rng, gradcheck, variant, cross):
    config = pc.TransformerConfig(vocab_size=5, d_model=4, n_heads=2, n_layers=1, d_ff=6,
                                  max_len=8, **variant)
    kind = "seq2seq" if cross else "decoder"
    params = pc.init_params(config, kind=kind)
    layer = randomise((params["decoder"] if cross else params)["layers"][0], rng)
    B, T, S = 2, 3, 4
    x = rng.standard_normal((B, T, 4))
    memory = rng.standard_normal((B, S, 4)) if cross else None
    G = rng.standard_normal((B, T, 4))
    kw = dict(causal=True, memory=memory)
    if cross:
        kw["memory_mask"] = pc.padding_mask(np.array([4, 2]), S)
    out, bc = pc.block_forward(x, layer, config, **kw)
    dx, dmemory, grads = pc.block_backward(G, bc)
    assert (dmemory is None) == (not cross)

    def loss():
        return np.sum(pc.block(x, layer, config, **kw) * G)

    gradcheck(loss, x, dx, "dx")
    if cross:
        gradcheck(loss, memory, dmemory, "dmemory")
    for name, g in pc.flatten_params(grads).items():
        p = pc.flatten_params(layer)[name]
        rotated = name == "attn.b_k" and variant.get("positional") == "rope"
        if name.endswith("attn.b_k") and not rotated:  # see test_multi_head: true gradient 0
            np.testing.assert_allclose(g, 0, atol=1e-12, err_msg=f"d{name} (exactly 0)")
            continue
        gradcheck(loss, p, g, f"d{name}")


def test_pre_norm_residual_is_identity_path(rng):
    """With the sublayers' output projections zeroed, a pre-norm block returns x unchanged."""
    config = pc.TransformerConfig(vocab_size=5, d_model=4, n_heads=2, n_layers=1, d_ff=6,
                                  max_len=8)
    layer = randomise(pc.init_params(config)["layers"][0], rng)
    for name in ("W_o", "b_o"):
        layer["attn"][name][...] = 0
    for name in ("W2", "b2"):
        layer["ffn"][name][...] = 0
    x = rng.standard_normal((1, 3, 4))
    np.testing.assert_array_equal(pc.block(x, layer, config), x, err_msg="pre-norm residual")


def test_block_bad_inputs(rng):
    config = pc.TransformerConfig(vocab_size=5, d_model=4, n_heads=2, n_layers=1, d_ff=6,
                                  max_len=8)
    layer = pc.init_params(config)["layers"][0]
    with pytest.raises(ValueError, match="x has shape"):
        pc.block(rng.standard_normal((3, 4)), layer, config)
    with pytest.raises(ValueError, match=r"gamma has shape \(4,\), expected \(5,\)"):
        pc.block(rng.standard_normal((1, 3, 5)), layer, config)
    with pytest.raises(ValueError, match=r"ffn.W2 \(7, 4\) \(expected \(6, 4\)\)"):
        bad = dict(layer, ffn=dict(layer["ffn"], W2=np.zeros((7, 4))))
        pc.block(rng.standard_normal((1, 3, 4)), bad, config)
