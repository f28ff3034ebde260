"""Tests for pycore.losses: cross-entropy values, its backward pass, ignore_index, PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import pycore as pc


def test_uniform_prediction_scores_log_V():
    logits = np.zeros((2, 3, 7))
    targets = np.array([[0, 1, 2], [6, 5, 4]])
    assert math.isclose(pc.cross_entropy(logits, targets), math.log(7), rel_tol=1e-15)


def test_matches_definition(rng):
    logits = rng.standard_normal((4, 5)) * 3
    targets = np.array([0, 4, 2, 2])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(p[np.arange(4), targets]))
    assert math.isclose(pc.cross_entropy(logits, targets), expected, rel_tol=1e-13)


def test_large_logits_are_stable():
    logits = np.array([[1e4, 0.0, -1e4]])
    assert pc.cross_entropy(logits, [0]) == 0.0
    assert math.isclose(pc.cross_entropy(logits, [1]), 1e4, rel_tol=1e-12)


def test_ignore_index_means_over_kept(rng):
    logits = rng.standard_normal((2, 4, 6))
    targets = np.array([[1, -100, 3, 5], [-100, -100, 0, 2]])
    kept = targets != -100
    expected = pc.cross_entropy(logits[kept], targets[kept])
    assert math.isclose(pc.cross_entropy(logits, targets, ignore_index=-100), expected,
                        rel_tol=1e-14)


@pytest.mark.parametrize("shape, ignore", [((5, 4), None), ((2, 3, 6), 1)])
def test_backward_finite_differences(rng, gradcheck, shape, ignore):
    logits = rng.standard_normal(shape)
    targets = rng.integers(0, shape[-1], size=shape[:-1])
    if ignore is not None:
        targets.flat[0] = ignore  # make sure at least one position is ignored
    loss, cache = pc.cross_entropy_forward(logits, targets, ignore)
    dlogits = pc.cross_entropy_backward(2.5, cache)
    gradcheck(lambda: 2.5 * pc.cross_entropy(logits, targets, ignore), logits, dlogits,
              "dlogits")


def test_float32_preserved():
    logits = np.zeros((3, 4), dtype=np.float32)
    _, cache = pc.cross_entropy_forward(logits, [0, 1, 2])
    assert pc.cross_entropy_backward(1.0, cache).dtype == np.float32


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"targets has shape \(3,\), expected \(2,\)"):
        pc.cross_entropy(np.zeros((2, 4)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"targets must lie in \[0, V=4\)"):
        pc.cross_entropy(np.zeros((2, 4)), [0, 4])
    with pytest.raises(TypeError, match="targets must be an integer array"):
        pc.cross_entropy(np.zeros((2, 4)), [0.5, 1])
    with pytest.raises(ValueError, match="every target equals ignore_index"):
        pc.cross_entropy(np.zeros((2, 4)), [-1, -1], ignore_index=-1)
    with pytest.raises(ValueError, match="non-finite"):
        pc.cross_entropy(np.array([[np.nan, 0.0]]), [0])
    with pytest.raises(ValueError, match="at least 1 dims"):
        pc.cross_entropy(3.0, 0)


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_torch_parity(rng, dtype, tol):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    logits = (rng.standard_normal((3, 5, 9)) * 2).astype(dtype)
    targets = rng.integers(0, 9, size=(3, 5))
    targets[0, :2] = -100
    for ignore in (None, -100):
        t_targets = targets if ignore is not None else np.abs(targets) % 9
        logits_t = torch.tensor(logits, requires_grad=True)
        ref = F.cross_entropy(logits_t.reshape(-1, 9), torch.tensor(t_targets.reshape(-1)),
                              ignore_index=-100 if ignore is None else ignore)
        ref.backward()
        loss, cache = pc.cross_entropy_forward(logits, t_targets, ignore)
        np.testing.assert_allclose(loss, ref.item(), rtol=tol, err_msg="loss")
        np.testing.assert_allclose(pc.cross_entropy_backward(1.0, cache),
                                   logits_t.grad.numpy(), rtol=tol, atol=tol,
                                   err_msg="dlogits")
