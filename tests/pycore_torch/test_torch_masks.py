"""pycore_torch.causal_mask equals pycore's (bottom-right alignment)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402


@pytest.mark.parametrize("T,S", [(1, 1), (4, 4), (3, 7), (5, None)])
def test_causal_mask_matches_pycore(T, S, device):
    got = pt.causal_mask(T, S, device=device)
    assert got.dtype == torch.bool and got.device.type == device
    np.testing.assert_array_equal(got.cpu().numpy(), pc.causal_mask(T, S),
                                  err_msg=f"causal_mask({T}, {S})")


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="S >= T"):
        pt.causal_mask(5, 3)
