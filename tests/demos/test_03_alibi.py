"""demos/03/alibi.py: slopes 2^(-8k/h) and the bias -slope * distance."""
import numpy as np
from numpy.testing import assert_allclose


def test_power_of_two_slopes_exact(run_with):
    for n in (1, 2, 4, 8, 16):
        result = run_with("03/alibi", n_heads=n)
        expected = [2.0 ** (-8.0 * k / n) for k in range(1, n + 1)]
        assert result["slopes"] == expected, f"n_heads={n}"  # exact: powers of 2
        assert result["diagonal_max"] == 0.0
        assert result["weights_shape"] == [1, n, 12, 12]


def test_eight_heads_run_from_half_to_1_over_256_and_bias_is_linear(run_with):
    result = run_with("03/alibi")
    assert result["slopes"][0] == 0.5 and result["slopes"][-1] == 1 / 256
    assert_allclose(result["bias_head0_row5"], -0.5 * np.arange(5, -1, -1), atol=0,
                    err_msg="bias, head 0, query 5")


def test_twelve_heads_follow_the_reference_rule(run_with):
    """Not a power of 2: the 8 slopes of h=8, then every other slope of h=16 (Press et al.)."""
    result = run_with("03/alibi", n_heads=12)
    eight = [2.0 ** (-k) for k in range(1, 9)]
    sixteen_odd = [2.0 ** (-0.5 * k) for k in range(1, 17)][0::2][:4]
    assert_allclose(result["slopes"], eight + sixteen_odd, rtol=1e-15, err_msg="slopes, h=12")
