"""Tests for pycore.attention: the worked example, properties, backward, PyTorch parity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pycore as pc

SETTINGS = settings(max_examples=30, deadline=None)

# The 3-token example of chapter 04 (Q and K from the seed post, d_k = 4).
Q = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]], dtype=float)
K = np.array([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]], dtype=float)


def test_worked_example_three_tokens():
    # By hand: q0.k0 = 1 (first entries), q0.k1 = 1 (third), q0.k2 = 1 (first);
    # q1.k0 = 1 (fourth), q1.k1 = 1 (second), q1.k2 = 1 (second); q2 = k2 gives 2, the rest 1.
    qkT = np.array([[1, 1, 1], [1, 1, 1], [1, 1, 2]], dtype=float)
    np.testing.assert_array_equal(Q @ K.T, qkT, err_msg="Q K^T")
    scaled = qkT / 2.0  # sqrt(d_k) = sqrt(4) = 2
    e = math.exp(0.5)
    expected_w = np.array([[1 / 3, 1 / 3, 1 / 3],
                           [1 / 3, 1 / 3, 1 / 3],
                           [e / (2 * e + math.exp(1.0)), e / (2 * e + math.exp(1.0)),
                            math.exp(1.0) / (2 * e + math.exp(1.0))]])
    V = np.eye(3)  # identity values: the output rows are the weight rows themselves
    out, w = pc.scaled_dot_product_attention(Q, K, V, return_weights=True)
    np.testing.assert_allclose(w, expected_w, rtol=1e-15, atol=0, err_msg="weights")
    np.testing.assert_allclose(out, expected_w, rtol=1e-15, atol=0, err_msg="out with V = I")
    _, cache = pc.attention_forward(Q, K, V)
    assert cache["scale"] == 0.5
    np.testing.assert_allclose(np.log(cache["weights"][2]) - np.log(cache["weights"][2, 0]),
                               scaled[2] - scaled[2, 0], rtol=0, atol=1e-15,
                               err_msg="log-weight differences = scaled score differences")


def test_d_model_768_with_12_heads():
    x = np.zeros((1, 128, 768))
    heads = pc.split_heads(x, 12)
    assert heads.shape == (1, 12, 128, 64)
    _, w = pc.scaled_dot_product_attention(heads, heads, heads, return_weights=True)
    assert w.shape == (1, 12, 128, 128)  # one head's scores for T = 128 are 128 x 128


def test_dtypes(rng):
    q = rng.normal(size=(2, 3, 4)).astype(np.float32)
    out, w = pc.scaled_dot_product_attention(q, q, q, return_weights=True)
    assert out.dtype == np.float32 and w.dtype == np.float32
    dq, dk, dv = pc.attention_backward(np.ones_like(out), pc.attention_forward(q, q, q)[1])
    assert dq.dtype == dk.dtype == dv.dtype == np.float32
    assert pc.scaled_dot_product_attention(q, q, q.astype(np.float64)).dtype == np.float64


def test_bad_inputs(rng):
    q = rng.normal(size=(2, 3, 4))
    sdpa = pc.scaled_dot_product_attention
    with pytest.raises(ValueError, match=r"q has shape \(4,\) \(1 dims\), expected at least 2"):
        sdpa(np.zeros(4), q, q)
    with pytest.raises(ValueError, match=r"k has shape \(2, 3, 5\), expected \(..., T_k, 4\)"):
        sdpa(q, np.zeros((2, 3, 5)), q)
    with pytest.raises(ValueError, match=r"v has shape \(2, 2, 4\), expected \(..., 3, d_v\)"):
        sdpa(q, q, np.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match=r"do not broadcast.*q \(2,\), k \(3,\)"):
        sdpa(q, np.zeros((3, 3, 4)), np.zeros((3, 3, 4)))
    with pytest.raises(TypeError, match="mask must be a boolean array"):
        sdpa(q, q, q, np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"do not broadcast.*mask \(4, 4\)"):
        sdpa(q, q, q, np.ones((4, 4), dtype=bool))
    blocked = np.ones((3, 3), dtype=bool)
    blocked[1] = False
    with pytest.raises(ValueError, match=r"2 query row\(s\) .* every key masked"):
        sdpa(q, q, q, blocked)  # row 1 of each of the 2 batch entries
    with pytest.raises(ValueError, match=r"q \(shape \(2, 3, 4\)\) contains 1 non-finite"):
        bad = q.copy()
        bad[0, 0, 0] = np.nan
        sdpa(bad, q, q)
    with pytest.raises(ValueError, match=r"bias \(shape \(3, 3\)\) contains NaN or \+inf"):
        sdpa(q, q, q, bias=np.full((3, 3), np.inf))
    with pytest.raises(ValueError, match="scale must be a finite positive number"):
        sdpa(q, q, q, scale=-1.0)
    with pytest.raises(ValueError, match=r"q \(2, 3, 0\) and k \(2, 3, 0\) must have .* >= 1"):
        pc.attention_forward(q[..., :0], q[..., :0], q)
    _, cache = pc.attention_forward(q, q, q)
    with pytest.raises(ValueError, match=r"dout has shape \(2, 3\), expected \(2, 3, 4\)"):
        pc.attention_backward(np.zeros((2, 3)), cache)


def test_grouped_query_attention_by_broadcasting(rng, gradcheck):
    B, h, h_kv, T, d = 2, 6, 2, 4, 3
    group = h // h_kv
    q = rng.normal(size=(B, h, T, d))
    k, v = rng.normal(size=(B, h_kv, T, d)), rng.normal(size=(B, h_kv, T, d))
    # Reference: copy each K/V head to the query heads of its group.
    expected = pc.scaled_dot_product_attention(q, np.repeat(k, group, axis=1),
                                               np.repeat(v, group, axis=1))
    q_grouped = q.reshape(B, h_kv, group, T, d)  # (B, h_kv, group, T, d)
    k_shared, v_shared = k[:, :, None], v[:, :, None]  # (B, h_kv, 1, T, d)
    out, cache = pc.attention_forward(q_grouped, k_shared, v_shared)
    np.testing.assert_allclose(out.reshape(B, h, T, d), expected, rtol=1e-14, atol=1e-14,
                               err_msg="GQA by broadcasting vs repeated K/V")
    G = rng.normal(size=out.shape)
    _, dk, _ = pc.attention_backward(G, cache)
    assert dk.shape == k_shared.shape

    def loss():
        return float(np.sum(pc.attention_forward(q_grouped, k_shared, v_shared)[0] * G))

    gradcheck(loss, k_shared, dk, "dk (GQA, summed over the group)")


def test_minus_inf_bias_acts_as_mask(rng):
    q, k, v = (rng.normal(size=(4, 5)) for _ in range(3))
    mask = pc.causal_mask(4, 4)
    kk, vv = k[:4], v[:4]
    bias = np.where(mask, 0.0, -np.inf)
    np.testing.assert_allclose(pc.scaled_dot_product_attention(q, kk, vv, bias=bias),
                               pc.scaled_dot_product_attention(q, kk, vv, mask), rtol=0,
                               atol=1e-15, err_msg="-inf bias vs bool mask")


def _random_mask(rng, shape):
    mask = rng.random(shape) < 0.6
    mask[..., 0] = True  # keep every row attendable
    return mask


@pytest.mark.parametrize("case", ["plain", "mask", "bias", "mask+bias+scale", "broadcast"])
def test_backward_finite_differences(rng, gradcheck, case):
    q = rng.normal(size=(2, 3, 4))
    k = rng.normal(size=(2, 5, 4))
    v = rng.normal(size=(2, 5, 3))
    kwargs = {}
    if "mask" in case:
        kwargs["mask"] = _random_mask(rng, (2, 3, 5))
    if "bias" in case:
        kwargs["bias"] = rng.normal(size=(3, 5))
    if "scale" in case:
        kwargs["scale"] = 0.3
    if case == "broadcast":  # k and v shared by both batch entries: their grads must sum
        k, v = k[:1], v[:1]
    G = rng.normal(size=(2, 3, 3))
    out, cache = pc.attention_forward(q, k, v, **kwargs)
    dq, dk, dv = pc.attention_backward(G, cache)

    def loss():
        return float(np.sum(pc.attention_forward(q, k, v, **kwargs)[0] * G))

    gradcheck(loss, q, dq, f"dq ({case})")
    gradcheck(loss, k, dk, f"dk ({case})")
    gradcheck(loss, v, dv, f"dv ({case})")


# gradcheck is a stateless function, so sharing it across examples is safe.
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), T_q=st.integers(1, 4), T_k=st.integers(1, 5),
       d_k=st.integers(1, 3), d_v=st.integers(1, 3), use_mask=st.booleans(),
       use_bias=st.booleans())
def test_backward_random_shapes(gradcheck, seed, T_q, T_k, d_k, d_v, use_mask, use_bias):
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(T_q, d_k)), rng.normal(size=(T_k, d_k)), rng.normal(size=(T_k, d_v))
    mask = _random_mask(rng, (T_q, T_k)) if use_mask else None
    bias = rng.normal(size=(T_q, T_k)) if use_bias else None
    G = rng.normal(size=(T_q, d_v))
    _, cache = pc.attention_forward(q, k, v, mask, bias=bias)
    grads = pc.attention_backward(G, cache)

    def loss():
        return float(np.sum(pc.attention_forward(q, k, v, mask, bias=bias)[0] * G))

    for name, x, analytic in zip(("dq", "dk", "dv"), (q, k, v), grads):
        gradcheck(loss, x, analytic, f"{name} (T_q={T_q}, T_k={T_k}, mask={use_mask}, "
                                     f"bias={use_bias})")


@pytest.mark.parametrize("case", ["plain", "mask", "bias"])
def test_backward_torch_autograd(rng, case):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    q, k, v = rng.normal(size=(2, 2, 4, 8)), rng.normal(size=(2, 2, 6, 8)), rng.normal(
        size=(2, 2, 6, 5))
    mask = _random_mask(rng, (2, 1, 4, 6)) if case == "mask" else None
    bias = rng.normal(size=(2, 4, 6)) if case == "bias" else None
    G = rng.normal(size=(2, 2, 4, 5))
    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in (q, k, v))
    attn_mask = torch.tensor(mask) if mask is not None else (
        torch.tensor(bias) if bias is not None else None)
    F.scaled_dot_product_attention(tq, tk, tv, attn_mask=attn_mask).mul(
        torch.tensor(G)).sum().backward()
    _, cache = pc.attention_forward(q, k, v, mask, bias=bias)
    for name, ours, t in zip(("dq", "dk", "dv"), pc.attention_backward(G, cache), (tq, tk, tv)):
        np.testing.assert_allclose(ours, t.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"{name} ({case}) vs torch")


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
@pytest.mark.parametrize("case", ["plain", "bool mask", "is_causal", "cross T!=S", "bias",
                                  "scale"])
def test_torch_parity(rng, dtype, tol, case):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    T, S = (5, 7) if case == "cross T!=S" else (6, 6)
    q = rng.normal(size=(2, 3, T, 8)).astype(dtype)
    k = rng.normal(size=(2, 3, S, 8)).astype(dtype)
    v = rng.normal(size=(2, 3, S, 4)).astype(dtype)
    tq, tk, tv = (torch.tensor(a) for a in (q, k, v))
    if case == "bool mask" or case == "cross T!=S":
        mask = _random_mask(rng, (2, 1, T, S))
        ours = pc.scaled_dot_product_attention(q, k, v, mask)
        ref = F.scaled_dot_product_attention(tq, tk, tv, attn_mask=torch.tensor(mask))
    elif case == "is_causal":
        ours = pc.scaled_dot_product_attention(q, k, v, pc.causal_mask(T))
        ref = F.scaled_dot_product_attention(tq, tk, tv, is_causal=True)
    elif case == "bias":
        bias = pc.alibi_bias(3, T).astype(dtype)
        ours = pc.scaled_dot_product_attention(q, k, v, bias=bias)
        ref = F.scaled_dot_product_attention(tq, tk, tv, attn_mask=torch.tensor(bias))
    elif case == "scale":
        ours = pc.scaled_dot_product_attention(q, k, v, scale=0.7)
        ref = F.scaled_dot_product_attention(tq, tk, tv, scale=0.7)
    else:
        ours = pc.scaled_dot_product_attention(q, k, v)
        ref = F.scaled_dot_product_attention(tq, tk, tv)
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, ref.numpy(), rtol=tol, atol=tol, err_msg=f"out ({case})")


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), T=st.integers(1, 8), d=st.integers(1, 6))
def test_permutation_equivariance(seed, T, d):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(T, d))
    W_q, W_k, W_v = (rng.normal(size=(d, d)) for _ in range(3))
    perm = rng.permutation(T)

    def self_attention(x):
        return pc.scaled_dot_product_attention(x @ W_q, x @ W_k, x @ W_v)

    np.testing.assert_allclose(self_attention(x[perm]), self_attention(x)[perm], rtol=1e-10,
                               atol=1e-12, err_msg="attention(P x) != P attention(x)")


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), T=st.integers(2, 8), d=st.integers(1, 5),
       data=st.data())
def test_causal_attention_never_leaks_the_future(seed, T, d, data):
    rng = np.random.default_rng(seed)
    t = data.draw(st.integers(0, T - 2), label="t")  # last position whose output we keep
    q, k, v = (rng.normal(size=(2, T, d)) for _ in range(3))
    mask = pc.causal_mask(T)
    out = pc.scaled_dot_product_attention(q, k, v, mask)
    k2, v2 = k.copy(), v.copy()
    k2[:, t + 1:] = rng.normal(scale=100.0, size=k2[:, t + 1:].shape)
    v2[:, t + 1:] = rng.normal(scale=100.0, size=v2[:, t + 1:].shape)
    out2 = pc.scaled_dot_product_attention(q, k2, v2, mask)
    np.testing.assert_array_equal(out2[:, : t + 1], out[:, : t + 1],
                                  err_msg="changing future keys/values changed earlier outputs")
    assert not np.allclose(out2[:, t + 1:], out[:, t + 1:]), "the future rows should change"
