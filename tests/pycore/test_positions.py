"""Tests for pycore.positions: sinusoidal encodings, RoPE (values, properties, backward), ALiBi."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pycore as pc

SETTINGS = settings(max_examples=30, deadline=None)


def test_sinusoidal_known_values():
    pe = pc.sinusoidal_positions(5, 6)
    assert pe.shape == (5, 6) and pe.dtype == np.float64
    for p in range(5):
        for i in range(3):
            angle = p / 10000 ** (2 * i / 6)
            assert pe[p, 2 * i] == pytest.approx(math.sin(angle), rel=1e-14, abs=1e-15)
            assert pe[p, 2 * i + 1] == pytest.approx(math.cos(angle), rel=1e-14, abs=1e-15)
    np.testing.assert_array_equal(pe[0], [0, 1, 0, 1, 0, 1], err_msg="PE[0]")


def test_sinusoidal_bad_inputs():
    with pytest.raises(ValueError, match="d must be even .* got d=5"):
        pc.sinusoidal_positions(4, 5)
    with pytest.raises(ValueError, match="T must be a positive integer, got 0"):
        pc.sinusoidal_positions(0, 4)
    with pytest.raises(ValueError, match="base must be a finite positive number"):
        pc.sinusoidal_positions(4, 4, base=-1.0)


def test_rope_angles():
    angles = pc.rope_angles([0, 2], 4, base=100.0)
    np.testing.assert_allclose(angles, [[0, 0], [2, 0.2]], rtol=1e-15, atol=0,
                               err_msg="rope_angles")
    with pytest.raises(ValueError, match=r"positions has shape \(1, 2\) \(2 dims\), expected 1"):
        pc.rope_angles([[0, 1]], 4)


def test_rope_known_rotation():
    x = np.array([[1.0, 0.0, 1.0, 0.0]] * 3)  # (T=3, d=4)
    y = pc.apply_rope(x, base=100.0)
    for p in range(3):
        # pair 0 turns by p radians, pair 1 by p / 100^(2/4) = p / 10
        expected = [math.cos(p), math.sin(p), math.cos(p / 10), math.sin(p / 10)]
        np.testing.assert_allclose(y[p], expected, rtol=1e-15, atol=1e-15, err_msg=f"row {p}")


def test_rope_preserves_norms_and_dtype(rng):
    x = rng.normal(size=(2, 3, 7, 8))
    y = pc.apply_rope(x)
    np.testing.assert_allclose(np.linalg.norm(y, axis=-1), np.linalg.norm(x, axis=-1),
                               rtol=1e-14, atol=0, err_msg="norms")
    assert pc.apply_rope(x.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(pc.apply_rope(x, positions=np.arange(7)), y, rtol=0, atol=0,
                               err_msg="default positions are arange(T)")


def test_rope_bad_inputs():
    with pytest.raises(ValueError, match=r"x has shape \(3, 5\): d=5 must be even"):
        pc.apply_rope(np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"positions has shape \(2,\), expected \(3,\)"):
        pc.apply_rope(np.zeros((3, 4)), positions=[0, 1])
    with pytest.raises(ValueError, match=r"x has shape \(4,\) \(1 dims\), expected at least 2"):
        pc.apply_rope(np.zeros(4))
    with pytest.raises(ValueError, match=r"positions \(shape \(3,\)\) contains 1 non-finite"):
        pc.apply_rope(np.zeros((3, 4)), positions=[0, np.nan, 2])
    with pytest.raises(ValueError, match=r"dout has shape \(3, 5\): d=5 must be even"):
        pc.rope_backward(np.zeros((3, 5)))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), half_d=st.integers(1, 8), m=st.integers(0, 500),
       n=st.integers(0, 500), shift=st.integers(-200, 200))
def test_rope_scores_depend_only_on_offset(seed, half_d, m, n, shift):
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=(2, 1, 2 * half_d))

    def score(a, b):
        qa = pc.apply_rope(q, positions=[a])
        kb = pc.apply_rope(k, positions=[b])
        return float(qa[0] @ kb[0])

    s1, s2 = score(m, n), score(m + shift, n + shift)
    assert s1 == pytest.approx(s2, rel=1e-9, abs=1e-9), f"q_m.k_n changed under a shift {shift}"


def test_rope_backward_finite_differences(rng, gradcheck):
    x = rng.normal(size=(2, 5, 6))
    positions = np.array([3, 0, 7, 1, 2])
    G = rng.normal(size=(2, 5, 6))
    dx = pc.rope_backward(G, positions, base=50.0)
    gradcheck(lambda: float(np.sum(pc.apply_rope(x, positions, base=50.0) * G)), x, dx,
              "dx (rope)")


def _torch_rope(torch, x, positions, base):
    """A straightforward complex-number RoPE (as in Llama's reference): pair (2i, 2i+1) is the
    complex number x_2i + j x_2i+1, multiplied by exp(j p base^(-2i/d))."""
    d = x.shape[-1]
    theta = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = torch.outer(torch.as_tensor(positions, dtype=torch.float64), theta)
    rot = torch.polar(torch.ones_like(angle), angle)
    xc = torch.view_as_complex(x.reshape(*x.shape[:-1], d // 2, 2).contiguous())
    return torch.view_as_real(xc * rot.to(xc.dtype)).reshape(x.shape)


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_rope_torch_parity(rng, dtype, tol):
    torch = pytest.importorskip("torch")
    x = rng.normal(size=(2, 3, 9, 8)).astype(dtype)
    positions = np.arange(4, 13)
    ours = pc.apply_rope(x, positions)
    ref = _torch_rope(torch, torch.tensor(x), positions, 10000.0).numpy()
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, ref, rtol=tol, atol=tol, err_msg="apply_rope vs torch")


def test_rope_backward_torch_autograd(rng):
    torch = pytest.importorskip("torch")
    x = rng.normal(size=(3, 6, 4))
    G = rng.normal(size=(3, 6, 4))
    t = torch.tensor(x, requires_grad=True)
    (_torch_rope(torch, t, np.arange(6), 10000.0) * torch.tensor(G)).sum().backward()
    np.testing.assert_allclose(pc.rope_backward(G), t.grad.numpy(), rtol=1e-10, atol=1e-12,
                               err_msg="dx (rope) vs torch")


def test_alibi_slopes_powers_of_two():
    np.testing.assert_array_equal(pc.alibi_slopes(8), [2.0 ** -k for k in range(1, 9)],
                                  err_msg="8 heads: 1/2 ... 1/256")
    np.testing.assert_allclose(pc.alibi_slopes(4), [1 / 4, 1 / 16, 1 / 64, 1 / 256], rtol=1e-15,
                               atol=0, err_msg="4 heads start at 2^(-8/4)")
    np.testing.assert_allclose(pc.alibi_slopes(16), [2.0 ** (-k / 2) for k in range(1, 17)],
                               rtol=1e-15, atol=0, err_msg="16 heads start at 2^(-1/2)")


def test_alibi_slopes_other_head_counts():
    # 12 heads: the 8-head slopes, then slopes 1, 3, 5, 7 of the 16-head sequence 2^(-k/2).
    expected = [2.0 ** -k for k in range(1, 9)] + [2.0 ** (-k / 2) for k in (1, 3, 5, 7)]
    np.testing.assert_allclose(pc.alibi_slopes(12), expected, rtol=1e-15, atol=0,
                               err_msg="12 heads")
    # 6 heads: the 4-head slopes 2^(-2k), then 2^(-1), 2^(-3) from the 8-head sequence.
    np.testing.assert_allclose(pc.alibi_slopes(6), [1 / 4, 1 / 16, 1 / 64, 1 / 256, 1 / 2, 1 / 8],
                               rtol=1e-15, atol=0, err_msg="6 heads")
    assert pc.alibi_slopes(1).tolist() == [2.0 ** -8]


def test_alibi_bias_values():
    bias = pc.alibi_bias(2, 3)
    s0, s1 = pc.alibi_slopes(2)
    assert bias.shape == (2, 3, 3)
    np.testing.assert_array_equal(np.diagonal(bias, axis1=1, axis2=2), 0.0, err_msg="diagonal")
    expected0 = -s0 * np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]])
    np.testing.assert_allclose(bias[0], expected0, rtol=1e-15, atol=0, err_msg="head 0")
    np.testing.assert_allclose(bias[1], expected0 * s1 / s0, rtol=1e-15, atol=0, err_msg="head 1")
    # 2 new queries after 3 cached keys: query 0 is at absolute position 3
    cached = pc.alibi_bias(1, 2, 5)[0]
    s = pc.alibi_slopes(1)[0]
    np.testing.assert_allclose(cached[0], -s * np.array([3, 2, 1, 0, 1]), rtol=1e-15, atol=0,
                               err_msg="alibi_bias(1, 2, 5) row 0")


def test_alibi_bad_inputs():
    with pytest.raises(ValueError, match="n_heads must be a positive integer, got 0"):
        pc.alibi_slopes(0)
    with pytest.raises(TypeError, match="n_heads must be an integer"):
        pc.alibi_slopes(2.0)
    with pytest.raises(ValueError, match="T must be a positive integer, got -2"):
        pc.alibi_bias(4, -2)
