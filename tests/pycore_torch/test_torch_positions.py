"""pycore_torch sinusoidal positions, RoPE and ALiBi equal pycore's conventions exactly."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_parity import assert_matches, to_torch  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402


@pytest.mark.parametrize("T,d", [(1, 2), (9, 16), (50, 64)])
def test_sinusoidal_matches_pycore(T, d, device):
    assert_matches(pt.sinusoidal_positions(T, d, device=device), pc.sinusoidal_positions(T, d),
                   1e-12, "sinusoidal_positions")


@pytest.mark.parametrize("shape,positions", [((6, 8), None), ((2, 3, 5, 16), [7, 3, 9, 0, 100]),
                                             ((1, 4, 10, 64), None)])
def test_rope_matches_pycore(shape, positions, device, dtypes):
    np_dtype, _, tol = dtypes
    x = np.random.default_rng(5).standard_normal(shape).astype(np_dtype)
    pos = None if positions is None else np.array(positions)
    got = pt.apply_rope(to_torch(x, device), None if pos is None else torch.tensor(pos))
    assert_matches(got, pc.apply_rope(x, pos), tol, "apply_rope")


@pytest.mark.parametrize("h", [1, 2, 3, 5, 8, 12, 16])
def test_alibi_matches_pycore(h, device):
    assert_matches(pt.alibi_slopes(h, device=device), pc.alibi_slopes(h), 0.0, "alibi_slopes")
    for T, S in ((4, 4), (3, 8)):
        assert_matches(pt.alibi_bias(h, T, S, device=device), pc.alibi_bias(h, T, S), 0.0,
                       f"alibi_bias(h={h}, T={T}, S={S})")
