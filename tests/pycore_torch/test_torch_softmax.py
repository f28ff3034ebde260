"""pycore_torch.softmax / log_softmax equal pycore's, including -inf entries and huge scores."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_parity import assert_matches, to_torch  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402


@pytest.mark.parametrize("shape,axis", [((7,), -1), ((3, 5), 0), ((2, 4, 6), -1), ((2, 3, 4), 1)])
def test_softmax_and_log_softmax_match_pycore(shape, axis, device, dtypes):
    np_dtype, t_dtype, tol = dtypes
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(shape) * 30).astype(np_dtype)  # large spread: exercises stability
    x.flat[0] = -np.inf  # a masked entry gets probability 0
    xt = to_torch(x, device)
    assert_matches(pt.softmax(xt, axis=axis), pc.softmax(x, axis=axis), tol, "softmax")
    expected = pc.log_softmax(x, axis=axis)
    got = pt.log_softmax(xt, axis=axis).cpu().numpy()
    finite = np.isfinite(expected)
    assert np.array_equal(finite, np.isfinite(got)), "log_softmax: -inf entries differ"
    assert_matches(got[finite], expected[finite], tol, "log_softmax")


def test_softmax_never_overflows(device):
    x = torch.tensor([1e4, 1e4 - 1.0, -1e4], dtype=torch.float32, device=device)
    assert_matches(pt.softmax(x), pc.softmax(x.cpu().numpy()), 1e-6, "softmax of 1e4")


def test_fully_masked_row_and_nan_raise(device):
    x = torch.tensor([[0.0, 1.0], [float("-inf"), float("-inf")]], device=device)
    with pytest.raises(ValueError, match="entirely -inf"):
        pt.softmax(x)
    with pytest.raises(ValueError, match="NaN"):
        pt.log_softmax(torch.tensor([0.0, float("nan")], device=device))
