"""Tests for pycore.decoder: DecoderLM shapes, KV cache, causality, diagnostics, PyTorch parity."""

from __future__ import annotations

import numpy as np
import pytest
from test_block import randomise

import pycore as pc

TINY = dict(vocab_size=13, d_model=8, n_heads=2, n_layers=2, d_ff=12, max_len=10)

VARIANTS = {
    "gpt2": dict(),
    "post-relu-sinusoidal": dict(norm_position="post", activation="relu", positional="sinusoidal"),
    "llama": dict(norm="rms", positional="rope", activation="swiglu", n_heads=4, n_kv_heads=2,
                  tie_embeddings=False),
    "alibi-mqa": dict(positional="alibi", n_heads=4, n_kv_heads=1),
    "nopos-post-rms": dict(positional="none", norm_position="post", norm="rms",
                           tie_embeddings=False),
}


def make_model(variant, seed=0, dtype=np.float64):
    config = pc.TransformerConfig(**dict(TINY, **VARIANTS[variant]))
    params = randomise(pc.init_params(config, seed), np.random.default_rng(seed))
    if dtype == np.float32:
        params = pc.unflatten_params({k: v.astype(np.float32) for k, v in
                                      pc.flatten_params(params).items()},
                                     pc.parameter_shapes(config))
    return pc.DecoderLM(config, params)


def test_shapes_and_dtype(rng):
    model = pc.DecoderLM(pc.TransformerConfig(**TINY))
    ids = rng.integers(0, 13, size=(3, 7))
    assert model.forward(ids).shape == (3, 7, 13)
    assert model(ids).dtype == np.float64
    model32 = pc.DecoderLM(model.config, dtype=np.float32)
    assert model32.forward(ids).dtype == np.float32
    assert "DecoderLM" in repr(model)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_cached_equals_uncached(rng, variant):
    model = make_model(variant)
    ids = rng.integers(0, 13, size=(2, 9))
    full = model.forward(ids)
    cache = model.new_cache(batch_size=2)
    chunks = [model.forward(ids[:, a:b], cache=cache) for a, b in [(0, 4), (4, 5), (5, 9)]]
    np.testing.assert_allclose(np.concatenate(chunks, axis=1), full, rtol=1e-11, atol=1e-12,
                               err_msg=f"{variant}: cached vs full logits")
    assert cache.length == 9
    cache.truncate(5)  # roll back (speculative decoding) and redo the last tokens
    again = model.forward(ids[:, 5:9], cache=cache)
    np.testing.assert_allclose(again, full[:, 5:], rtol=1e-11, atol=1e-12,
                               err_msg=f"{variant}: after truncate")


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_causality(rng, variant):
    model = make_model(variant)
    ids = rng.integers(0, 13, size=(1, 8))
    changed = ids.copy()
    changed[0, 5] = (ids[0, 5] + 1) % 13
    before, after = model.forward(ids), model.forward(changed)
    np.testing.assert_array_equal(after[:, :5], before[:, :5],
                                  err_msg=f"{variant}: earlier logits changed with token 5")
    assert np.abs(after[:, 5:] - before[:, 5:]).max() > 1e-6, "token 5 must matter later"


def test_diagnostics(rng):
    model = make_model("llama")
    ids = rng.integers(0, 13, size=(2, 6))
    logits, diag = model.forward(ids, return_diagnostics=True)
    np.testing.assert_array_equal(logits, model.forward(ids), err_msg="logits with diagnostics")
    assert len(diag["attention"]) == 2 and len(diag["residuals"]) == 3
    for w in diag["attention"]:
        assert w.shape == (2, 4, 6, 6)
        np.testing.assert_allclose(w.sum(-1), 1, rtol=1e-13, err_msg="attention rows")
        assert np.all(np.triu(w, 1) == 0), "no weight on future keys"
    for r in diag["residuals"]:
        assert r.shape == (2, 6, 8)
    np.testing.assert_array_equal(diag["residuals"][0], model.params["tokens"][ids],
                                  err_msg="residual 0 is the embedding (RoPE adds nothing)")


def test_pycore_debug_checklist_passes():
    model = make_model("gpt2")
    results = pc.debug_checklist(model, T=6)
    assert results and all(r.passed for r in results), [r for r in results if not r.passed]


def test_bad_inputs(rng):
    model = pc.DecoderLM(pc.TransformerConfig(**TINY))
    with pytest.raises(ValueError, match=r"use ids\[None, :\]"):
        model.forward(np.array([1, 2, 3]))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, V=13\)"):
        model.forward(np.array([[1, 13]]))
    with pytest.raises(TypeError, match="ids must be an integer array"):
        model.forward(np.array([[0.5, 1.0]]))
    with pytest.raises(ValueError, match="11 exceeds max_len=10"):
        model.forward(np.zeros((1, 11), dtype=int))
    cache = model.new_cache(batch_size=2)
    with pytest.raises(ValueError, match="batch_size=2"):
        model.forward(np.zeros((1, 3), dtype=int), cache=cache)
    model.forward(np.zeros((2, 8), dtype=int), cache=cache)
    with pytest.raises(ValueError, match="3 new tokens after 8 cached ones: 11 exceeds"):
        model.forward(np.zeros((2, 3), dtype=int), cache=cache)
    with pytest.raises(TypeError, match="TransformerConfig"):
        pc.DecoderLM(TINY)
    params = pc.init_params(model.config)
    params["tokens"] = params["tokens"][:5]
    with pytest.raises(ValueError, match=r"tokens \(5, 8\) \(expected \(13, 8\)\)"):
        pc.DecoderLM(model.config, params)


# ---------------------------------------------------------------- PyTorch parity

@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_torch_forward_parity(rng, dtype, tol, variant):
    torch = pytest.importorskip("torch")
    import pycore_torch as pt  # the gold reference (this repository's: never skipped)
    model = make_model(variant, dtype=dtype)
    ids = rng.integers(0, 13, size=(2, 7))
    t_dtype = torch.float32 if dtype == np.float32 else torch.float64
    ref = pt.DecoderLM(model.config, model.params, dtype=t_dtype)(torch.tensor(ids))
    logits = model.forward(ids)
    assert logits.dtype == dtype
    np.testing.assert_allclose(logits, ref.detach().numpy(), rtol=tol, atol=tol,
                               err_msg=f"{variant}: logits vs PyTorch")


def test_decoder_backward_bad_inputs(rng):
    model = make_model("gpt2")
    ids = rng.integers(0, 13, size=(2, 4))
    logits, fcache = pc.decoder_forward(model.params, model.config, ids,
                                        cache=model.new_cache(batch_size=2))
    with pytest.raises(ValueError, match="used a KV cache"):
        pc.decoder_backward(np.ones_like(logits), fcache)
    logits, fcache = pc.decoder_forward(model.params, model.config, ids)
    with pytest.raises(ValueError, match=r"dlogits has shape \(2, 4, 12\), expected \(2, 4, 13\)"):
        pc.decoder_backward(np.ones((2, 4, 12)), fcache)
