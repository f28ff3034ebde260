"""demos/03/rope_relative.py: RoPE scores depend only on m - n; added encodings do not."""
import numpy as np
from numpy.testing import assert_allclose


def test_relative_only(run_with):
    for shift in (100, 0, 1000):
        result = run_with("03/rope_relative", shift=shift)
        assert result["toeplitz_error"] < 1e-12
        assert result["shift_error"] < 1e-11, f"shift={shift}"
        assert result["norm_error"] < 1e-12
        assert result["additive_toeplitz_error"] > 0.1


def test_scores_against_complex_rotation(run_with):
    """Independent: a pair is a complex number; rotating by a multiplies by exp(i a)."""
    result = run_with("03/rope_relative")
    rng = np.random.default_rng(7)  # the demo's seed and draws
    q, k = rng.standard_normal(16), rng.standard_normal(16)
    theta = 10000.0 ** (-np.arange(0, 16, 2) / 16)
    zq, zk = q[0::2] + 1j * q[1::2], k[0::2] + 1j * k[1::2]
    n = np.arange(24)[:, None]
    # q at m = 0 and k at n: sum_i Re(zq * conj(zk * exp(i n theta_i)))
    expected = np.real(zq * np.conj(zk * np.exp(1j * n * theta))).sum(axis=1)
    assert_allclose(result["scores_row0"], expected, atol=1e-12, err_msg="q_0 . k_n")
