"""pycore_torch.feed_forward equals pycore's, and autograd's gradients equal pycore's
hand-written ``feed_forward_backward`` (a check of pycore by PyTorch)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_parity import assert_matches, to_torch  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402


def _params(activation, d_model, d_ff, rng, np_dtype):
    shapes = {"W1": (d_model, d_ff), "b1": (d_ff,), "W2": (d_ff, d_model), "b2": (d_model,),
              "W_gate": (d_model, d_ff), "W_up": (d_model, d_ff), "W_down": (d_ff, d_model)}
    return {n: (rng.standard_normal(shapes[n]) * 0.3).astype(np_dtype)
            for n in pc.FFN_PARAM_NAMES[activation]}


@pytest.mark.parametrize("activation", ["relu", "gelu", "swiglu"])
@pytest.mark.parametrize("shape", [(5, 8), (2, 3, 12)])
def test_feed_forward_and_gradients_match_pycore(activation, shape, device, dtypes):
    np_dtype, _, tol = dtypes
    rng = np.random.default_rng(6)
    x = rng.standard_normal(shape).astype(np_dtype)
    params = _params(activation, shape[-1], 20, rng, np_dtype)
    xt = to_torch(x, device).requires_grad_(True)
    pt_params = {n: to_torch(a, device).requires_grad_(True) for n, a in params.items()}
    out = pt.feed_forward(xt, pt_params, activation)
    expected, cache = pc.feed_forward_forward(x, params, activation)
    assert_matches(out, expected, tol, f"feed_forward[{activation}]")

    dout = rng.standard_normal(expected.shape).astype(np_dtype)
    out.backward(to_torch(dout, device))
    dx, grads = pc.feed_forward_backward(dout, cache)
    assert_matches(xt.grad, dx, tol * 10, "dx")
    for n in params:
        assert_matches(pt_params[n].grad, grads[n], tol * 10, f"d{n}")


def test_missing_parameter_raises():
    with pytest.raises(ValueError, match="missing keys"):
        pt.feed_forward(torch.zeros(2, 4), {"W1": torch.zeros(4, 8)}, "gelu")
