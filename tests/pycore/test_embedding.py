"""Tests for pycore.embedding: lookup, scatter-add backward, PyTorch parity, errors."""

from __future__ import annotations

import numpy as np
import pytest

import pycore as pc


def test_lookup_equals_one_hot_matmul(rng):
    E = rng.normal(size=(7, 3))
    ids = np.array([[0, 6, 2], [2, 2, 5]])
    out = pc.embedding(ids, E)
    assert out.shape == (2, 3, 3)
    one_hot = np.eye(7)[ids]  # (B, T, V)
    np.testing.assert_allclose(out, one_hot @ E, rtol=0, atol=0, err_msg="E[ids]")
    assert pc.embedding(ids, E.astype(np.float32)).dtype == np.float32


def test_backward_accumulates_repeated_ids(rng, gradcheck):
    E = rng.normal(size=(6, 4))
    ids = np.array([[1, 3, 1], [1, 0, 5]])  # id 1 three times; ids 2 and 4 unused
    G = rng.normal(size=(2, 3, 4))
    _, cache = pc.embedding_forward(ids, E)
    dE = pc.embedding_backward(G, cache)
    np.testing.assert_allclose(dE[1], G[0, 0] + G[0, 2] + G[1, 0], rtol=1e-15, atol=1e-15,
                               err_msg="dE[1]")
    np.testing.assert_array_equal(dE[[2, 4]], 0.0, err_msg="rows of unused ids")
    gradcheck(lambda: float(np.sum(pc.embedding(ids, E) * G)), E, dE, "dE")


def test_backward_torch_autograd(rng):
    torch = pytest.importorskip("torch")
    E = rng.normal(size=(9, 5))
    ids = rng.integers(0, 9, size=(3, 8))
    G = rng.normal(size=(3, 8, 5))
    tE = torch.tensor(E, requires_grad=True)
    out_t = torch.nn.functional.embedding(torch.tensor(ids), tE)
    (out_t * torch.tensor(G)).sum().backward()
    out, cache = pc.embedding_forward(ids, E)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=0, atol=0, err_msg="out")
    np.testing.assert_allclose(pc.embedding_backward(G, cache), tE.grad.numpy(), rtol=1e-12,
                               atol=1e-12, err_msg="dE vs torch")


def test_bad_inputs(rng):
    E = rng.normal(size=(5, 3))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, V=5\) for E of shape \(5, 3\); "
                                         r"got values in \[0, 5\]"):
        pc.embedding([0, 5], E)
    with pytest.raises(ValueError, match=r"got values in \[-1, 2\]"):
        pc.embedding([-1, 2], E)
    with pytest.raises(TypeError, match="ids must be an integer array"):
        pc.embedding([0.5, 1.0], E)
    with pytest.raises(ValueError, match=r"E has shape \(5,\) \(1 dims\), expected 2 dims"):
        pc.embedding([0], np.zeros(5))
    with pytest.raises(TypeError, match="ids must be an integer array, got dtype bool"):
        pc.embedding_forward(np.array([True, False]), E)
    _, cache = pc.embedding_forward([[0, 1]], E)
    with pytest.raises(ValueError, match=r"dout has shape \(2, 3\), expected \(1, 2, 3\)"):
        pc.embedding_backward(np.zeros((2, 3)), cache)
