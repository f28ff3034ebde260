"""pycore_torch.DecoderLM equals pycore.DecoderLM: logits for every architecture option
(positions learned/sinusoidal/RoPE/ALiBi/none, LayerNorm/RMSNorm, pre/post, ReLU/GELU/SwiGLU,
GQA/MQA, tied/untied), with the KV cache and the fused kernel, for the shipped trained weights,
and the loss gradients of autograd equal pycore's hand-written backward pass."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_parity import assert_matches  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402
from pycore.pretrained import PRETRAINED  # noqa: E402

SMALL = dict(vocab_size=50, d_model=16, n_heads=4, n_layers=2, d_ff=32, max_len=32)
CONFIGS = {
    "gpt2-like": dict(SMALL),
    "llama-like": dict(SMALL, n_kv_heads=2, norm="rms", positional="rope", activation="swiglu",
                       tie_embeddings=False),
    "alibi-post-relu": dict(SMALL, positional="alibi", norm_position="post", activation="relu"),
    "sinusoidal-rms-mqa": dict(SMALL, positional="sinusoidal", norm="rms", n_kv_heads=1),
    "nopos-post-swiglu": dict(SMALL, positional="none", norm_position="post",
                              activation="swiglu", n_layers=3),
}
TORCH_DTYPE = {np.float32: torch.float32, np.float64: torch.float64}


def _models(name, np_dtype, device, seed=0):
    config = pc.TransformerConfig(**CONFIGS[name])
    params = pc.init_params(config, seed, dtype=np_dtype)
    # Bigger than GPT-2's 0.02 so that attention is far from uniform and a mistake shows.
    params = pc.unflatten_params({n: (a * 10 if a.ndim == 2 else a + 0.1 * np.arange(a.size))
                                  .astype(np_dtype)
                                  for n, a in pc.flatten_params(params).items()},
                                 pc.parameter_shapes(config))
    return pc.DecoderLM(config, params), pt.DecoderLM(config, params, dtype=TORCH_DTYPE[np_dtype],
                                                      device=device)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_logits_match_pycore(name, device, dtypes):
    np_dtype, _, tol = dtypes
    ref, model = _models(name, np_dtype, device)
    ids = np.random.default_rng(13).integers(0, 50, size=(2, 11))
    expected = ref.forward(ids)
    with torch.no_grad():
        assert_matches(model(ids), expected, tol, f"logits [{name}]")
        assert_matches(model(ids, fused=True), expected, tol, f"fused logits [{name}]")
        cache = model.new_cache(batch_size=2)
        steps = [model(ids[:, a:b], cache=cache) for a, b in ((0, 6), (6, 7), (7, 11))]
        assert_matches(torch.cat(steps, dim=1), expected, tol, f"cached logits [{name}]")


@pytest.mark.parametrize("name", ["gpt2-like", "llama-like", "alibi-post-relu"])
def test_autograd_gradients_equal_pycore_backward(name):
    ref, model = _models(name, np.float64, "cpu")
    rng = np.random.default_rng(14)
    ids = rng.integers(0, 50, size=(2, 9))
    targets = rng.integers(0, 50, size=(2, 9))
    loss, grads = pc.loss_and_grads(ref, ids, targets)
    logits = model(ids)  # (B, T, V)
    torch_loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 50),
                                                   torch.from_numpy(targets).reshape(-1))
    torch_loss.backward()
    assert abs(torch_loss.item() - loss) < 1e-10, f"loss {torch_loss.item()} vs pycore {loss}"
    flat = pc.flatten_params(grads)
    for pname, p in model.named_parameters():
        assert_matches(p.grad, flat[pname], 1e-10, f"gradient of {pname} [{name}]")


def test_params_round_trip_and_npz(tmp_path):
    config = pc.TransformerConfig(**CONFIGS["llama-like"])
    params = pc.init_params(config, 3)
    path = tmp_path / "model.npz"
    pc.save(path, params, config)
    model = pt.DecoderLM.from_npz(path, dtype=torch.float64)
    back = pc.flatten_params(model.pycore_params())
    for n, a in pc.flatten_params(params).items():
        np.testing.assert_array_equal(back[n], a, err_msg=f"{n} after .npz -> torch -> pycore")


def test_mismatched_params_raise():
    config = pc.TransformerConfig(**CONFIGS["gpt2-like"])
    params = pc.init_params(config.replace(d_ff=40))
    with pytest.raises(ValueError, match="wrong shape"):
        pt.DecoderLM(config, params)
    model = pt.DecoderLM(config)
    with pytest.raises(ValueError, match="exceeds max_len"):
        model(np.zeros((1, 33), dtype=np.int64))


# The models' one source of truth: pycore's own list of the trained models it ships.
SHIPPED = sorted(PRETRAINED)


def test_the_shipped_models_are_listed():
    assert SHIPPED, "pycore.pretrained.PRETRAINED lists no shipped model"


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_trained_weights_match_pycore(name, device, dtypes):
    np_dtype, t_dtype, tol = dtypes
    ref, _ = pc.load_pretrained(name, dtype=np.dtype(np_dtype).name)
    config = ref.config
    ids = np.random.default_rng(15).integers(0, config.vocab_size,
                                             size=(2, min(24, config.max_len)))
    expected = ref.forward(ids)
    model = pt.DecoderLM(config, ref.params, dtype=t_dtype, device=device)
    with torch.no_grad():
        assert_matches(model(ids), expected, tol, f"logits of the shipped {name}")


def test_bfloat16_model_stays_close_to_pycore(device):
    ref, _ = _models("llama-like", np.float64, "cpu")
    model = pt.DecoderLM(ref.config, ref.params, dtype=torch.bfloat16, device=device)
    ids = np.random.default_rng(19).integers(0, 50, size=(2, 11))
    expected = ref.forward(ids)
    with torch.no_grad():
        got = model(ids).float().cpu().numpy()
    assert model.tokens.dtype == torch.bfloat16
    # bf16 keeps 8 bits of mantissa: agreement to a few per cent of the logits' scale.
    scale = np.abs(expected).max()
    assert np.abs(got - expected).max() < 0.05 * scale, "bf16 logits far from pycore's"
