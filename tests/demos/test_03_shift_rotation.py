"""demos/03/shift_rotation.py: PE[p + k] = R_k PE[p] with one 2 x 2 rotation per pair."""
import numpy as np
from numpy.testing import assert_allclose


def test_shift_is_a_fixed_rotation(run_with):
    d, base = 16, 10000.0  # the demo's width and base
    for k, pair in ((3, 0), (17, 5), (50, 7)):
        result = run_with("03/shift_rotation", k=k, pair=pair)
        assert result["shift_error"] < 1e-12, f"k={k}"
        assert result["power_error"] < 1e-12, f"k={k}"
        a = k * base ** (-2 * pair / d)
        # (sin(x + a), cos(x + a)) = [[cos a, sin a], [-sin a, cos a]] (sin x, cos x)
        assert_allclose(result["block"], [[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]],
                        atol=1e-15, err_msg=f"R_k block, k={k}, pair={pair}")
