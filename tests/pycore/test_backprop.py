"""Tests for pycore.backprop: the whole-model backward pass vs finite differences and autograd.

Finite differences are checked on a sample of entries of every parameter (all entries would
be thousands of forward passes per config); the PyTorch test compares every entry.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_block import randomise

import pycore as pc

TINY = dict(vocab_size=7, d_model=8, n_heads=2, n_layers=2, d_ff=6, max_len=6)

CONFIGS = {
    "pre-layer-learned-gelu-tied": dict(),
    "post-layer-sinusoidal-relu": dict(norm_position="post", positional="sinusoidal",
                                       activation="relu"),
    "pre-rms-rope-swiglu-gqa-untied": dict(norm="rms", positional="rope", activation="swiglu",
                                           n_heads=4, n_kv_heads=2, tie_embeddings=False),
    "post-rms-alibi-gelu-mqa": dict(norm_position="post", norm="rms", positional="alibi",
                                    n_heads=4, n_kv_heads=1),
    "pre-layer-none-relu-untied": dict(positional="none", activation="relu",
                                       tie_embeddings=False),
}


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||)."""
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def setup(name, seed=0):
    config = pc.TransformerConfig(**dict(TINY, **CONFIGS[name]))
    rng = np.random.default_rng(seed)
    params = randomise(pc.init_params(config), rng)
    ids = rng.integers(0, 7, size=(2, 5))
    targets = rng.integers(0, 7, size=(2, 5))
    return config, params, ids, targets


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_loss_and_grads_finite_differences(name, central_differences):
    config, params, ids, targets = setup(name)
    targets[1, 2] = -1  # one ignored position exercises ignore_index through the model
    loss, grads = pc.loss_and_grads(params, ids, targets, config=config, ignore_index=-1)
    flat_p, flat_g = pc.flatten_params(params), pc.flatten_params(grads)
    assert set(flat_g) == set(flat_p)
    rng = np.random.default_rng(1)

    def f():
        return pc.loss_and_grads(params, ids, targets, config=config, ignore_index=-1)[0]

    for pname, p in flat_p.items():
        g = flat_g[pname]
        assert g.shape == p.shape, pname
        picks = rng.choice(p.size, size=min(p.size, 4), replace=False)
        analytic, numeric = g.flat[picks], central_differences(f, p, picks)  # a few entries
        if pname.endswith("attn.b_k") and config.positional != "rope":
            np.testing.assert_allclose(analytic, 0, atol=1e-12, err_msg=f"{name}: d{pname}")
            continue
        err = relative_error(np.array(analytic), np.array(numeric))
        assert err < 1e-6, f"{name}: d{pname} relative error {err:.2e}"


def test_every_entry_finite_differences():
    """One config checked on every entry of every parameter (the sampled test covers more)."""
    config = pc.TransformerConfig(vocab_size=5, d_model=4, n_heads=2, n_kv_heads=1,
                                  n_layers=1, d_ff=4, max_len=4, norm="rms",
                                  positional="rope", activation="swiglu", tie_embeddings=False)
    rng = np.random.default_rng(2)
    params = randomise(pc.init_params(config), rng)
    ids, targets = rng.integers(0, 5, size=(2, 3)), rng.integers(0, 5, size=(2, 3))
    _, grads = pc.loss_and_grads(params, ids, targets, config=config)
    flat_g = pc.flatten_params(grads)
    for pname, p in pc.flatten_params(params).items():
        numeric = pc.numerical_gradient(
            lambda: pc.loss_and_grads(params, ids, targets, config=config)[0], p, h=1e-5)
        err = relative_error(flat_g[pname], numeric)
        assert err < 1e-6, f"d{pname}: relative error {err:.2e}"


def test_model_and_params_give_the_same_result():
    config, params, ids, targets = setup("pre-layer-learned-gelu-tied")
    model = pc.DecoderLM(config, params)
    loss_a, grads_a = pc.loss_and_grads(model, ids, targets)
    loss_b, grads_b = pc.loss_and_grads(params, ids, targets, config=config)
    assert loss_a == loss_b
    np.testing.assert_array_equal(grads_a["tokens"], grads_b["tokens"], err_msg="dtokens")
    assert loss_a == pc.cross_entropy(model.forward(ids), targets)


def test_numerical_gradient_helper():
    x = np.array([1.0, -2.0, 0.5])
    grad = pc.numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    np.testing.assert_allclose(grad, 3 * x ** 2, rtol=1e-8, err_msg="d(sum x^3)")
    np.testing.assert_array_equal(x, [1.0, -2.0, 0.5], err_msg="x restored")
    with pytest.raises(TypeError, match="float64"):
        pc.numerical_gradient(lambda: 0.0, x.astype(np.float32))


def test_bad_inputs():
    config, params, ids, targets = setup("pre-layer-learned-gelu-tied")
    with pytest.raises(TypeError, match="model_or_params must be a DecoderLM, or a params dict"):
        pc.loss_and_grads(params, ids, targets)
    with pytest.raises(ValueError, match="config differs"):
        pc.loss_and_grads(pc.DecoderLM(config, params), ids, targets,
                          config=config.replace(n_layers=1))
    with pytest.raises(ValueError, match=r"targets has shape \(2, 4\), expected \(2, 5\)"):
        pc.loss_and_grads(params, ids, targets[:, :4], config=config)
    with pytest.raises(ValueError, match="missing"):
        pc.loss_and_grads({"tokens": params["tokens"]}, ids, targets, config=config)


@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_torch_autograd_parity(name, dtype, tol):
    torch = pytest.importorskip("torch")
    config, params, ids, targets = setup(name)
    params = pc.unflatten_params({k: v.astype(dtype) for k, v in
                                  pc.flatten_params(params).items()},
                                 pc.parameter_shapes(config))
    import pycore_torch as pt  # the gold reference (this repository's: never skipped)
    model = pt.DecoderLM(config, params, dtype=torch.float32 if dtype == np.float32
                         else torch.float64)
    logits = model(torch.tensor(ids))
    ref = torch.nn.functional.cross_entropy(logits.reshape(-1, config.vocab_size),
                                            torch.tensor(targets.reshape(-1)))
    ref.backward()
    loss, grads = pc.loss_and_grads(params, ids, targets, config=config)
    np.testing.assert_allclose(loss, ref.item(), rtol=tol, err_msg=f"{name}: loss")
    flat_t = dict(model.named_parameters())  # pycore's flat names
    for pname, g in pc.flatten_params(grads).items():
        assert g.dtype == dtype, pname
        np.testing.assert_allclose(g, flat_t[pname].grad.numpy(), rtol=tol, atol=tol,
                                   err_msg=f"{name}: d{pname} vs autograd")
