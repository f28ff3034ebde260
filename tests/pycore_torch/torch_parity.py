"""Helpers for the pycore_torch parity tests: devices (CUDA marked and skipped cleanly without
a GPU), dtypes with the tolerances of issue 10 (1e-5 float32, 1e-10 float64), and a helper
that compares a torch result with pycore's, naming the tensor."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

HAS_CUDA = torch.cuda.is_available()

DEVICES = [
    "cpu",
    pytest.param("cuda", marks=[pytest.mark.cuda,
                                pytest.mark.skipif(not HAS_CUDA, reason="no CUDA device")]),
]
# (numpy dtype, torch dtype, rtol and atol)
DTYPES = [
    pytest.param((np.float32, torch.float32, 1e-5), id="float32"),
    pytest.param((np.float64, torch.float64, 1e-10), id="float64"),
]


def to_torch(a, device, dtype=None):
    """A NumPy array as a tensor on ``device`` (float arrays cast to ``dtype`` if given)."""
    t = torch.from_numpy(np.ascontiguousarray(a))
    if dtype is not None and t.is_floating_point():
        t = t.to(dtype)
    return t.to(device)


def assert_matches(actual, expected, tol, name):
    """``actual`` (tensor) equals ``expected`` (pycore's array) to rtol = atol = ``tol``."""
    got = actual.detach().cpu().numpy() if isinstance(actual, torch.Tensor) else actual
    expected = np.asarray(expected)
    assert got.shape == expected.shape, f"{name}: shape {got.shape} != pycore's {expected.shape}"
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol,
                               err_msg=f"{name} differs from pycore")
