"""pycore_torch.scaled_dot_product_attention equals pycore's (masks, bias, scale, weights,
broadcasting), and autograd's gradients equal pycore's hand-written ``attention_backward``."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_parity import assert_matches, to_torch  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402

CASES = [
    # (q shape, k shape, v shape, mask, bias, scale)
    ((5, 8), (5, 8), (5, 8), None, False, None),
    ((2, 3, 4, 16), (2, 3, 4, 16), (2, 3, 4, 8), "causal", False, None),
    ((2, 3, 3, 8), (2, 3, 7, 8), (2, 3, 7, 4), "causal", True, 0.5),
    ((2, 4, 6, 8), (2, 4, 6, 8), (2, 4, 6, 8), "padding", True, None),
    ((2, 2, 5, 8), (1, 5, 8), (1, 5, 8), None, False, None),  # leading dims broadcast
]


def _inputs(case, np_dtype, seed=7):
    q_shape, k_shape, v_shape, mask_kind, use_bias, scale = case
    rng = np.random.default_rng(seed)
    q, k, v = (rng.standard_normal(s).astype(np_dtype) for s in (q_shape, k_shape, v_shape))
    T_q, T_k = q_shape[-2], k_shape[-2]
    mask = None
    if mask_kind == "causal":
        mask = pc.causal_mask(T_q, T_k)
    elif mask_kind == "padding":
        mask = pc.padding_mask(np.array([T_k, 2]), T_k)
    bias = pc.alibi_bias(q_shape[-3], T_q, T_k).astype(np_dtype) if use_bias else None
    return q, k, v, mask, bias, scale


@pytest.mark.parametrize("case", CASES)
def test_attention_and_gradients_match_pycore(case, device, dtypes):
    np_dtype, _, tol = dtypes
    q, k, v, mask, bias, scale = _inputs(case, np_dtype)
    qt, kt, vt = (to_torch(a, device).requires_grad_(True) for a in (q, k, v))
    out, weights = pt.scaled_dot_product_attention(
        qt, kt, vt, None if mask is None else to_torch(mask, device),
        bias=None if bias is None else to_torch(bias, device), scale=scale, return_weights=True)
    expected, cache = pc.attention_forward(q, k, v, mask, bias=bias, scale=scale)
    assert_matches(out, expected, tol, "attention output")
    assert_matches(weights, cache["weights"], tol, "attention weights")

    dout = np.random.default_rng(8).standard_normal(expected.shape).astype(np_dtype)
    out.backward(to_torch(dout, device))
    expected_grads = pc.attention_backward(dout, cache)
    for name, got, want in zip("qkv", (qt.grad, kt.grad, vt.grad), expected_grads):
        assert_matches(got, want, tol * 10, f"d{name}")


def test_fully_masked_row_raises_like_pycore():
    q = torch.zeros(2, 4, dtype=torch.float64)
    mask = torch.tensor([[True, False], [False, False]])
    with pytest.raises(ValueError, match="every key masked"):
        pt.scaled_dot_product_attention(q, q, q, mask)
    with pytest.raises(TypeError, match="boolean"):
        pt.scaled_dot_product_attention(q, q, q, mask.double())


def test_bfloat16_runs_and_stays_close(device):
    q, k, v, mask, _, _ = _inputs(CASES[1], np.float32)
    args = [to_torch(a, device, torch.bfloat16) for a in (q, k, v)]
    out = pt.scaled_dot_product_attention(*args, to_torch(mask, device))
    assert out.dtype == torch.bfloat16
    assert_matches(out.float(), pc.scaled_dot_product_attention(q, k, v, mask), 5e-2,
                   "bfloat16 attention")
