"""demos/05/softmax_vs_sigmoid.py: softmax weights compete, sigmoid gates do not."""
import numpy as np
from numpy.testing import assert_allclose

BASE = np.array([1.0, 0.5, 0.0, -0.5])  # the demo's scores, restated independently


def test_boost_takes_weight_from_others_only_under_softmax(run_with):
    for boost in (3.0, -2.0):
        result = run_with("05/softmax_vs_sigmoid", boost=boost)
        s = BASE + np.array([boost, 0.0, 0.0, 0.0])
        assert_allclose(result["softmax"], np.exp(s) / np.exp(s).sum(), rtol=1e-12,
                        err_msg="softmax")
        assert_allclose(result["sigmoid"], 1 / (1 + np.exp(-s)), rtol=1e-12, err_msg="sigmoid")
        assert abs(result["softmax_sum"] - 1) < 1e-12
        assert result["others_sigmoid_change"] == [0.0, 0.0, 0.0]
        changes = np.array(result["others_softmax_change"])
        assert np.all(np.sign(changes) == -np.sign(boost)), f"softmax change, boost={boost}"


def test_figure_shows_the_weights_and_the_sweep(cpython_run):
    outcome = cpython_run("05/softmax_vs_sigmoid")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "panels" and figure["usermeta"]["itt"]["caption"]
    bars, sweep = figure["concat"]
    heights = {(row["group"], row["category"]): row["value"]
               for row in bars["layer"][0]["data"]["values"]}
    for group, key in (("softmax weight", "softmax"), ("sigmoid gate", "sigmoid")):
        assert_allclose([heights[(group, f"key {j}")] for j in range(4)], result[key],
                        rtol=1e-12, err_msg=group)
    rows = sweep["layer"][0]["data"]["values"]
    y_scale = sweep["layer"][0]["layer"][0]["encoding"]["y"]["scale"]
    assert y_scale["domain"] == [0.0, 1.0], "weights and gates on a fixed 0-1 axis"
    boosts = np.linspace(-4, 6, 41)
    s = BASE[None, :] + np.outer(boosts, [1.0, 0.0, 0.0, 0.0])  # (41, 4)
    soft = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    assert_allclose([r["y"] for r in rows if r["series"] == "softmax weight"], soft[:, 1],
                    rtol=1e-12, err_msg="key 1's softmax weight against the boost")
    gates = [r["y"] for r in rows if r["series"] == "sigmoid gate"]
    assert_allclose(gates, np.full(41, 1 / (1 + np.exp(-0.5))), rtol=1e-12,
                    err_msg="key 1's gate does not move")
    assert sweep["layer"][1]["data"]["values"][0]["value"] == result["boost"]
