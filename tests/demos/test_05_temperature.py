"""demos/05/temperature.py: softmax(s / tau) against a direct formula, and its two limits."""
import numpy as np
from numpy.testing import assert_allclose

SCORES = np.array([2.0, 1.0, 0.5, 0.0, -1.0])  # the demo's scores, restated independently


def test_weights_match_formula_at_several_temperatures(run_with):
    for tau in (1.0, 0.3, 2.5):
        result = run_with("05/temperature", tau=tau)
        e = np.exp(SCORES / tau)
        assert_allclose(result["weights"], e / e.sum(), rtol=1e-12, err_msg=f"weights, tau={tau}")
        assert np.all(np.diff(result["weights"]) < 0), "order of weights must not change"


def test_limits(run_with):
    result = run_with("05/temperature")
    assert result["cold_top_weight"] > 0.99
    assert abs(result["hot_entropy"] - np.log(len(SCORES))) < 1e-3
    assert result["cold_tau"] < result["tau"] < result["hot_tau"]
