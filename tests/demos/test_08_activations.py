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
    (figure,) = outcome["figures"]  # two panels, stacked: activations, and a GLU gate
    assert figure["usermeta"]["itt"]["kind"] == "panels" and figure["usermeta"]["itt"]["caption"]
    activations, gate = figure["concat"]
    rows = activations["layer"][0]["data"]["values"]
    xs = np.array([row["x"] for row in rows if row["series"] == "GELU"])
    assert xs.shape == (401,) and xs[0] == -4.0 and xs[-1] == 4.0
    shown = {name: np.array([row["y"] for row in rows if row["series"] == name])
             for name in ("ReLU", "GELU", "SiLU")}
    np.testing.assert_allclose(shown["ReLU"], np.maximum(xs, 0.0), rtol=0, atol=0)
    np.testing.assert_allclose(
        shown["GELU"], [0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0))) for v in xs],
        rtol=1e-12, atol=1e-15, err_msg="GELU curve")
    np.testing.assert_allclose(shown["SiLU"], xs / (1.0 + np.exp(-xs)), rtol=1e-12,
                               atol=1e-15, err_msg="SiLU curve")
    swiglu = [row["y"] for row in gate["layer"][0]["data"]["values"]
              if row["series"] == "SwiGLU: silu(a)·b"]
    np.testing.assert_allclose(swiglu, xs / (1.0 + np.exp(-xs)), rtol=1e-12, atol=1e-15,
                               err_msg="silu(a)·b at b = 1")
