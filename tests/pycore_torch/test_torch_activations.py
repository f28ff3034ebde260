"""pycore_torch activations equal pycore's (GELU in both forms, tanh by default)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_parity import assert_matches, to_torch  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402


@pytest.mark.parametrize("name", ["relu", "gelu", "gelu_none", "silu", "sigmoid"])
def test_activation_matches_pycore(name, device, dtypes):
    np_dtype, _, tol = dtypes
    x = (np.random.default_rng(3).standard_normal((4, 33)) * 4).astype(np_dtype)
    xt = to_torch(x, device)
    if name == "gelu_none":
        got, expected = pt.gelu(xt, approximate="none"), pc.gelu(x, approximate="none")
    else:
        got, expected = getattr(pt, name)(xt), getattr(pc, name)(x)
    assert got.dtype == xt.dtype, f"{name} changed the dtype"
    assert_matches(got, expected, tol, name)


def test_gelu_default_is_the_tanh_form():
    x = torch.linspace(-3, 3, 13, dtype=torch.float64)
    assert torch.equal(pt.gelu(x), torch.nn.functional.gelu(x, approximate="tanh"))
    with pytest.raises(ValueError, match="approximate"):
        pt.gelu(x, approximate="erf")
