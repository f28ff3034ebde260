"""pycore_torch.causal_mask / padding_mask equal pycore's (bottom-right alignment)."""

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


def test_padding_mask_matches_pycore(device):
    lengths = np.array([3, 1, 5])
    got = pt.padding_mask(torch.tensor(lengths, device=device), 5)
    np.testing.assert_array_equal(got.cpu().numpy(), pc.padding_mask(lengths, 5),
                                  err_msg="padding_mask")


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="S >= T"):
        pt.causal_mask(5, 3)
    with pytest.raises(ValueError, match="lengths must lie"):
        pt.padding_mask([0, 2], 4)
