"""pycore_torch's decoding filters equal pycore's: greedy, temperature, top-k (ties to the
lower id), top-p (the top token always kept) and inverse-CDF sampling from the same seed."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402


def _logits(seed=16):
    z = np.random.default_rng(seed).standard_normal((4, 30)) * 2
    z[1, 3] = z[1, 7] = z[1].max() + 1  # a tie at the top: the lower id must win
    return z


def _same(got, expected, name):
    np.testing.assert_array_equal(got.cpu().numpy(), expected, err_msg=name)


@pytest.mark.parametrize("k", [1, 2, 5, 30, 50])
def test_top_k_matches_pycore(k, device):
    z = _logits()
    _same(pt.top_k_filter(torch.tensor(z, device=device), k), pc.top_k_filter(z, k), f"top_k {k}")


@pytest.mark.parametrize("p", [1e-6, 0.3, 0.9, 1.0])
def test_top_p_matches_pycore(p, device):
    z = _logits()
    _same(pt.top_p_filter(torch.tensor(z, device=device), p), pc.top_p_filter(z, p), f"top_p {p}")


def test_greedy_and_sample_match_pycore(device):
    z = _logits()
    zt = torch.tensor(z, device=device)
    _same(pt.greedy(zt), pc.greedy(z), "greedy")
    np.testing.assert_allclose(pt.apply_temperature(zt, 0.5).cpu().numpy(),
                               pc.apply_temperature(z, 0.5), rtol=0, atol=1e-12,
                               err_msg="apply_temperature")
    for settings in (dict(), dict(temperature=1.5, top_k=7, top_p=0.9)):
        expected = pc.sample(z, rng=np.random.default_rng(17), **settings)
        got = pt.sample(zt, rng=np.random.default_rng(17), **settings)
        _same(got, expected, f"sample {settings}")
