"""pycore_torch.layer_norm / rms_norm equal pycore's, with and without their parameters."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_parity import assert_matches, to_torch  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402


@pytest.mark.parametrize("shape", [(7,), (3, 16), (2, 5, 24)])
@pytest.mark.parametrize("with_params", [False, True])
def test_norms_match_pycore(shape, with_params, device, dtypes):
    np_dtype, _, tol = dtypes
    rng = np.random.default_rng(4)
    x = (rng.standard_normal(shape) * 3 + 1).astype(np_dtype)
    d = shape[-1]
    gamma, beta, weight = (rng.standard_normal(d).astype(np_dtype) if with_params else None
                           for _ in range(3))
    t = (lambda a: None if a is None else to_torch(a, device))  # noqa: E731
    assert_matches(pt.layer_norm(t(x), t(gamma), t(beta)), pc.layer_norm(x, gamma, beta), tol,
                   "layer_norm")
    assert_matches(pt.rms_norm(t(x), t(weight)), pc.rms_norm(x, weight), tol, "rms_norm")


def test_wrong_parameter_shape_raises():
    with pytest.raises(ValueError, match="gamma has shape"):
        pt.layer_norm(torch.zeros(2, 4), torch.ones(3))
