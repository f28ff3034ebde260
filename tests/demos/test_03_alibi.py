"""demos/03/alibi.py: slopes 2^(-8k/h) and the bias -slope * distance."""
from pathlib import Path

import numpy as np
from numpy.testing import assert_allclose

from demos.params import parse_params
from demos.runner import run_demo


def _run(**values):
    """Run the demo with some control literals replaced, as the page's controls do."""
    source = DEMO.read_text(encoding="utf-8")
    lines = source.splitlines()
    for control in parse_params(source):
        if control["name"] in values:
            name, rest = lines[control["line"]].split("=", 1)
            comment = rest[rest.index("#"):]
            lines[control["line"]] = f"{name}= {values[control['name']]!r}  {comment}"
    outcome = run_demo("\n".join(lines), filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    return outcome["result"]

DEMO = Path(__file__).resolve().parents[2] / "demos" / "03" / "alibi.py"


def test_power_of_two_slopes_exact():
    for n in (1, 2, 4, 8, 16):
        result = _run(n_heads=n)
        expected = [2.0 ** (-8.0 * k / n) for k in range(1, n + 1)]
        assert result["slopes"] == expected, f"n_heads={n}"  # exact: powers of 2
        assert result["diagonal_max"] == 0.0
        assert result["weights_shape"] == [1, n, 12, 12]


def test_eight_heads_run_from_half_to_1_over_256_and_bias_is_linear():
    result = _run()
    assert result["slopes"][0] == 0.5 and result["slopes"][-1] == 1 / 256
    assert_allclose(result["bias_head0_row5"], -0.5 * np.arange(5, -1, -1), atol=0,
                    err_msg="bias, head 0, query 5")


def test_twelve_heads_follow_the_reference_rule():
    """Not a power of 2: the 8 slopes of h=8, then every other slope of h=16 (Press et al.)."""
    result = _run(n_heads=12)
    eight = [2.0 ** (-k) for k in range(1, 9)]
    sixteen_odd = [2.0 ** (-0.5 * k) for k in range(1, 17)][0::2][:4]
    assert_allclose(result["slopes"], eight + sixteen_odd, rtol=1e-15, err_msg="slopes, h=12")
