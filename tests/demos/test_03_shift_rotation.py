"""demos/03/shift_rotation.py: PE[p + k] = R_k PE[p] with one 2 x 2 rotation per pair."""
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

DEMO = Path(__file__).resolve().parents[2] / "demos" / "03" / "shift_rotation.py"


def test_shift_is_a_fixed_rotation():
    d, base = 16, 10000.0  # the demo's width and base
    for k, pair in ((3, 0), (17, 5), (50, 7)):
        result = _run(k=k, pair=pair)
        assert result["shift_error"] < 1e-12, f"k={k}"
        assert result["power_error"] < 1e-12, f"k={k}"
        a = k * base ** (-2 * pair / d)
        # (sin(x + a), cos(x + a)) = [[cos a, sin a], [-sin a, cos a]] (sin x, cos x)
        assert_allclose(result["block"], [[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]],
                        atol=1e-15, err_msg=f"R_k block, k={k}, pair={pair}")
