"""demos/05/temperature.py: softmax(s / tau) against a direct formula, and its two limits."""
from pathlib import Path

import numpy as np
from numpy.testing import assert_allclose

from demos.params import parse_params
from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "05" / "temperature.py"
SCORES = np.array([2.0, 1.0, 0.5, 0.0, -1.0])  # the demo's scores, restated independently


def _run(**values):
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


def test_weights_match_formula_at_several_temperatures():
    for tau in (1.0, 0.3, 2.5):
        result = _run(tau=tau)
        e = np.exp(SCORES / tau)
        assert_allclose(result["weights"], e / e.sum(), rtol=1e-12, err_msg=f"weights, tau={tau}")
        assert np.all(np.diff(result["weights"]) < 0), "order of weights must not change"


def test_limits():
    result = _run()
    assert result["cold_top_weight"] > 0.99
    assert abs(result["hot_entropy"] - np.log(len(SCORES))) < 1e-3
    assert result["cold_tau"] < result["tau"] < result["hot_tau"]
