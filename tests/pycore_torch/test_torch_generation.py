"""pycore_torch.generate: greedy tokens equal pycore's, sampled tokens equal pycore's for the
same NumPy seed (float64), and cached and uncached generation agree."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402

CONFIG = dict(vocab_size=40, d_model=16, n_heads=4, n_layers=2, d_ff=32, max_len=48)


@pytest.mark.parametrize("extra", [dict(), dict(positional="rope", norm="rms", n_kv_heads=2,
                                                activation="swiglu")])
def test_greedy_tokens_equal_pycore(extra, device):
    config = pc.TransformerConfig(**CONFIG, **extra)
    params = pc.init_params(config, 4)
    params["tokens"] = params["tokens"] * 20  # peaked logits: greedy ties are impossible
    prompt = np.array([[1, 5, 9], [2, 2, 7]])
    expected = pc.generate(pc.DecoderLM(config, params), prompt, 30, greedy=True)
    for dtype in (torch.float32, torch.float64):
        model = pt.DecoderLM(config, params, dtype=dtype, device=device)
        for use_cache in (True, False):
            got = pt.generate(model, prompt, 30, greedy=True, use_cache=use_cache)
            np.testing.assert_array_equal(got.cpu().numpy(), expected,
                                          err_msg=f"greedy tokens ({dtype}, cache={use_cache})")


@pytest.mark.parametrize("settings", [dict(), dict(temperature=0.7, top_k=10),
                                      dict(top_p=0.8)])
def test_sampled_tokens_equal_pycore(settings, device):
    config = pc.TransformerConfig(**CONFIG)
    params = pc.init_params(config, 5)
    expected = pc.generate(pc.DecoderLM(config, params), [3, 1], 25, seed=11, **settings)
    model = pt.DecoderLM(config, params, dtype=torch.float64, device=device)
    cached = pt.generate(model, [3, 1], 25, seed=11, **settings).cpu().numpy()
    uncached = pt.generate(model, [3, 1], 25, seed=11, use_cache=False, **settings).cpu().numpy()
    np.testing.assert_array_equal(cached, expected, err_msg=f"sampled tokens {settings}")
    np.testing.assert_array_equal(uncached, cached, err_msg="uncached vs cached")


def test_too_long_raises():
    model = pt.DecoderLM(pc.TransformerConfig(**CONFIG))
    with pytest.raises(ValueError, match="exceeds the model's max_len"):  # pycore's check
        pt.generate(model, [1, 2], 47)
