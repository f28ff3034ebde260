"""demos/08/activations.py: the GELU forms and minima, recomputed here with math.erf."""
import math
from pathlib import Path

import numpy as np
import pytest

DEMO = Path(__file__).resolve().parents[2] / "demos" / "08" / "activations.py"


def test_gelu_forms_and_minima_match_independent_formulas(cpython_run):
    outcome = cpython_run("08/activations")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    x = np.linspace(-10.0, 10.0, 4001)
    exact = np.array([0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0))) for v in x])
    tanh_form = 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))
    gap = np.abs(exact - tanh_form)
    assert result["gelu_max_abs_diff"] == pytest.approx(gap.max(), rel=1e-9, abs=1e-15)
    assert result["gelu_max_diff_at"] == pytest.approx(abs(x[np.argmax(gap)]), abs=1e-9)
    assert result["gelu_min"] == pytest.approx(exact.min(), rel=1e-12)
    assert result["silu_min"] == pytest.approx((x / (1.0 + np.exp(-x))).min(), rel=1e-12)
    assert len(outcome["figures"]) == 1
