"""demos/03/alibi.py: slopes 2^(-8k/h) and the bias -slope * distance."""
import numpy as np
from numpy.testing import assert_allclose

from demos import demo_path
from demos.params import with_values
from demos.runner import run_demo


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


def _matrix(panel):
    """A heatmap panel's cells as a (R, C) array, masked cells as NaN."""
    cells = panel["data"]["values"]
    out = np.full((1 + max(c["r"] for c in cells), 1 + max(c["c"] for c in cells)), np.nan)
    for cell in cells:
        if not cell["masked"]:
            out[cell["r"], cell["c"]] = cell["value"]
    return out


def test_figure_has_one_masked_bias_panel_per_head(cpython_run):
    outcome = cpython_run("03/alibi")
    assert outcome["error"] is None, outcome["error"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "panels" and figure["usermeta"]["itt"]["caption"]
    assert len(figure["concat"]) == 4, "heads 0, 2, 4 and 7: steep to flat"
    i, j = np.indices((12, 12))
    for head, panel in zip((0, 2, 4, 7), figure["concat"]):
        slope = 2.0 ** (-(head + 1))
        assert panel["title"] == f"head {head}: m = 1/{2 ** (head + 1)}"
        expected = np.where(j <= i, -slope * (i - j), np.nan)  # future keys masked
        assert_allclose(_matrix(panel), expected, atol=0, err_msg=f"bias, head {head}")
        assert panel["layer"][0]["encoding"]["color"]["scale"]["domain"] == [-5.5, 0.0]
    source = with_values(demo_path("03/alibi").read_text(encoding="utf-8"), n_heads=2)
    (two,) = run_demo(source, filename="alibi.py")["figures"]
    assert [panel["title"] for panel in two["concat"]] == ["head 0: m = 1/16", "head 1: m = 1/256"]
