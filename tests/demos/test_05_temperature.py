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


def test_figure_shows_the_weights_and_the_entropy_curve(cpython_run):
    outcome = cpython_run("05/temperature")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "panels" and figure["usermeta"]["itt"]["caption"]
    bars, curve = figure["concat"]
    rows = bars["layer"][0]["data"]["values"]
    assert [row["category"] for row in rows] == [f"s = {s:g}" for s in SCORES]
    assert_allclose([row["value"] for row in rows], result["weights"], rtol=1e-12,
                    err_msg="bar heights")
    points = curve["layer"][0]["data"]["values"]
    taus = np.array([row["x"] for row in points])
    assert_allclose(taus, np.geomspace(0.05, 5.0, 60), rtol=1e-12, err_msg="temperatures")
    w = np.exp(SCORES[None, :] / taus[:, None])
    w /= w.sum(axis=1, keepdims=True)
    assert_allclose([row["y"] for row in points], -np.sum(w * np.log(w), axis=1), rtol=1e-9,
                    atol=1e-15, err_msg="entropy against tau")
    assert curve["layer"][0]["layer"][0]["encoding"]["x"]["scale"] == {"type": "log"}
    marks = [layer["data"]["values"][0]["value"] for layer in curve["layer"][1::2]]
    assert marks == [result["tau"], result["log_T"]], "tau and ln T are marked"
