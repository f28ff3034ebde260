"""pycore_torch.flash_attention (torch's fused kernel) equals pycore.flash_attention, with
pycore's bottom-right causal alignment also when T_q != T_k."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_parity import assert_matches, to_torch  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402


@pytest.mark.parametrize("q_shape,k_shape,causal", [
    ((2, 3, 40, 16), (2, 3, 40, 16), False),
    ((2, 3, 40, 16), (2, 3, 40, 16), True),
    ((1, 2, 5, 8), (1, 2, 13, 8), True),  # cached-decoding shape: bottom-right mask
    ((2, 2, 6, 8), (1, 6, 8), False),  # leading dims broadcast
])
def test_flash_matches_pycore(q_shape, k_shape, causal, device, dtypes):
    np_dtype, _, tol = dtypes
    rng = np.random.default_rng(9)
    q, k, v = (rng.standard_normal(s).astype(np_dtype) for s in (q_shape, k_shape, k_shape))
    got = pt.flash_attention(*(to_torch(a, device) for a in (q, k, v)), causal=causal)
    expected = pc.flash_attention(q, k, v, block_size=16, causal=causal)
    assert_matches(got, expected, tol, "flash_attention")


def test_causal_needs_enough_keys():
    with pytest.raises(ValueError, match="T_k >= T_q"):
        pt.flash_attention(torch.zeros(4, 2), torch.zeros(3, 2), torch.zeros(3, 2), causal=True)
