"""pycore_torch.split_heads / merge_heads equal pycore's and invert each other."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_parity import assert_matches, to_torch  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402


@pytest.mark.parametrize("shape,h", [((2, 5, 12), 3), ((1, 4, 8), 8), ((2, 3, 6, 4), 2)])
def test_split_and_merge_match_pycore(shape, h, device, dtypes):
    np_dtype, _, tol = dtypes
    x = np.random.default_rng(2).standard_normal(shape).astype(np_dtype)
    split = pt.split_heads(to_torch(x, device), h)
    assert_matches(split, pc.split_heads(x, h), 0.0, "split_heads")
    assert_matches(pt.merge_heads(split), x, 0.0, "merge_heads(split_heads(x))")


def test_indivisible_width_raises():
    with pytest.raises(ValueError, match="not divisible by n_heads=5"):
        pt.split_heads(torch.zeros(1, 2, 12), 5)
