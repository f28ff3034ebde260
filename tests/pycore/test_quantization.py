"""Tests for pycore.quantization: absmax int8/int4, error bounds, LLM.int8() matmul."""

from __future__ import annotations

import numpy as np
import pytest

from pycore.quantization import (
    dequantize,
    int8_matmul,
    quantization_error,
    quantize,
    quantize_int4,
    quantize_int8,
    quantized_bytes,
)


@pytest.mark.parametrize("shape, axis", [((16, 8), -1), ((16, 8), 0), ((3, 5, 7), 1),
                                         ((10,), None), ((6, 4), None)])
@pytest.mark.parametrize("bits", [8, 4])
def test_rounding_error_is_at_most_half_a_step(shape, axis, bits):
    rng = np.random.default_rng(sum(shape) + bits)
    w = rng.normal(size=shape)
    q, scale = quantize(w, bits=bits, axis=axis)
    q_max = 2 ** (bits - 1) - 1
    assert q.dtype == np.int8 and q.shape == w.shape
    assert np.abs(q).max() == q_max  # the largest |w| of each channel maps to +-q_max
    assert np.all(np.abs(q) <= q_max)
    w_hat = dequantize(q, scale)
    assert np.all(np.abs(w - w_hat) <= scale / 2 * (1 + 1e-12)), "error above half a step"
    expected_scale_shape = tuple(1 if axis is None or a != axis % len(shape) else n
                                 for a, n in enumerate(shape))
    assert scale.shape == expected_scale_shape


def test_per_channel_scales_are_channel_absmax():
    w = np.array([[1.0, -0.01], [-2.54, 0.02]])
    q, scale = quantize_int8(w, axis=1)
    np.testing.assert_allclose(scale, [[2.54 / 127, 0.02 / 127]], rtol=1e-15, err_msg="scale")
    np.testing.assert_array_equal(q, [[50, -64], [-127, 127]], err_msg="q")


def test_per_channel_beats_per_tensor_with_an_outlier_channel():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(64, 16))
    w[:, 3] *= 50.0  # one large output channel
    err_channel = quantization_error(w, dequantize(*quantize_int8(w, axis=-1)))
    err_tensor = quantization_error(w, dequantize(*quantize_int8(w, axis=None)))
    small = [c for c in range(16) if c != 3]
    per_tensor = dequantize(*quantize_int8(w, axis=None))[:, small]
    per_channel = dequantize(*quantize_int8(w, axis=-1))[:, small]
    assert np.abs(per_channel - w[:, small]).max() < np.abs(per_tensor - w[:, small]).max() / 10
    assert err_channel["rmse"] < err_tensor["rmse"]


def test_int4_error_is_larger_than_int8():
    rng = np.random.default_rng(1)
    w = rng.normal(size=(32, 32))
    e8 = quantization_error(w, dequantize(*quantize_int8(w)))
    e4 = quantization_error(w, dequantize(*quantize_int4(w)))
    assert e4["rmse"] > 10 * e8["rmse"]
    # Uniform rounding noise has variance step^2 / 12: check the int8 RMSE against that.
    _, scale = quantize_int8(w)
    predicted = np.sqrt(np.mean(np.broadcast_to(scale, w.shape) ** 2) / 12)
    np.testing.assert_allclose(e8["rmse"], predicted, rtol=0.1, err_msg="int8 rmse vs step/sqrt12")


def test_zero_channel_and_dtype():
    w = np.zeros((4, 3), dtype=np.float32)
    w[:, 1] = [1.0, -2.0, 0.5, 0.0]
    q, scale = quantize_int8(w)
    assert scale.dtype == np.float32 and scale[0, 0] == 1.0
    w_hat = dequantize(q, scale)
    assert w_hat.dtype == np.float32
    np.testing.assert_array_equal(w_hat[:, 0], 0.0, err_msg="zero channel stays zero")


def test_quantization_error_measures():
    w = np.array([3.0, 4.0])
    err = quantization_error(w, np.array([3.0, 3.0]))
    assert err["max_abs"] == 1.0
    np.testing.assert_allclose(err["rmse"], np.sqrt(0.5), rtol=1e-15, err_msg="rmse")
    np.testing.assert_allclose(err["relative"], 0.2, rtol=1e-15, err_msg="relative")
    np.testing.assert_allclose(err["snr_db"], 10 * np.log10(25.0), rtol=1e-15, err_msg="snr")
    assert quantization_error(w, w)["snr_db"] == float("inf")


def test_quantized_bytes():
    assert quantized_bytes((4096, 4096), 8, 4096) == 4096 * 4096 + 2 * 4096
    assert quantized_bytes((4096, 4096), 4, 4096) == 4096 * 4096 // 2 + 2 * 4096
    assert quantized_bytes((3,), 4, 1, scale_bytes=4) == 2 + 4
    with pytest.raises(ValueError, match="bits must be a positive"):
        quantized_bytes((3,), 0, 1)
    with pytest.raises(ValueError, match="shape entry"):
        quantized_bytes((3, -1), 8, 1)
    with pytest.raises(TypeError, match="n_scales must be an integer"):
        quantized_bytes((3,), 8, 1.5)


def test_int8_matmul_close_and_outliers_help():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(8, 64))
    w = rng.normal(size=(64, 32)) / 8
    y = x @ w
    plain = int8_matmul(x, w)
    rel = np.linalg.norm(plain - y) / np.linalg.norm(y)
    assert rel < 0.02, f"int8 matmul relative error {rel}"
    x[:, 5] *= 40.0  # an outlier feature dimension, as Dettmers et al. observe
    y = x @ w
    err_plain = np.abs(int8_matmul(x, w) - y).max()
    err_mixed = np.abs(int8_matmul(x, w, outlier_threshold=6.0) - y).max()
    assert err_mixed < err_plain / 5
    all_outliers = int8_matmul(x, w, outlier_threshold=1e-9)  # everything in floating point
    np.testing.assert_allclose(all_outliers, y, rtol=1e-12, atol=1e-12, err_msg="fp path")


def test_bad_inputs():
    with pytest.raises(ValueError, match="bits"):
        quantize(np.ones(3), bits=1)
    with pytest.raises(ValueError, match="bits"):
        quantize(np.ones(3), bits=16)
    with pytest.raises(ValueError, match="out of range"):
        quantize_int8(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="non-finite"):
        quantize_int4([1.0, np.nan])
    with pytest.raises(ValueError, match="scalar"):
        quantize_int8(1.0)
    with pytest.raises(TypeError, match="integer array"):
        dequantize(np.ones(3), np.ones(1))
    with pytest.raises(ValueError, match="positive"):
        dequantize(np.ones(3, dtype=np.int8), np.zeros(1))
    with pytest.raises(ValueError, match="broadcast"):
        dequantize(np.ones((2, 3), dtype=np.int8), np.ones((1, 4)))
    with pytest.raises(ValueError, match="must match"):
        quantization_error(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match=r"expected \(T, d_in\)"):
        int8_matmul(np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match="outlier_threshold"):
        int8_matmul(np.ones((2, 3)), np.ones((3, 5)), outlier_threshold=-1.0)
