"""demos/07/norms_one_vector.py against LayerNorm / RMSNorm written from their formulas."""
import numpy as np
import pytest
from numpy.testing import assert_allclose


def _check(result):
    x = np.asarray(result["x"])
    g, b, eps = result["gamma"], result["beta"], result["eps"]
    # Ba et al. 2016: biased variance over the features; Zhang & Sennrich 2019: RMS only.
    ln = g * (x - x.mean()) / np.sqrt(x.var() + eps) + b
    rms = g * x / np.sqrt(np.mean(x**2) + eps)
    assert_allclose(result["layer_norm"], ln, rtol=1e-12, atol=1e-12, err_msg="layer_norm")
    assert_allclose(result["rms_norm"], rms, rtol=1e-12, atol=1e-12, err_msg="rms_norm")
    stats = result["stats"]
    assert stats["layer_norm"]["mean"] == pytest.approx(b, abs=1e-12)
    assert stats["input"]["rms"] == pytest.approx(np.sqrt(np.mean(x**2)), rel=1e-12)


def test_default_run(cpython_run):
    outcome = cpython_run("07/norms_one_vector")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    _check(result)
    # gamma = 1, beta = 0, eps small: unit variance for LayerNorm, unit RMS for RMSNorm
    assert result["stats"]["layer_norm"]["var"] == pytest.approx(1.0, rel=1e-4)
    assert result["stats"]["rms_norm"]["rms"] == pytest.approx(1.0, rel=1e-4)
    (figure,) = outcome["figures"]  # grouped bars: input, LayerNorm, RMSNorm per feature
    meta = figure["usermeta"]["itt"]
    assert meta["kind"] == "bars" and meta["caption"] and "Figure" not in meta["alt"]
    rows = figure["layer"][0]["data"]["values"]
    for group, key in (("input x", "x"), ("LayerNorm(x)", "layer_norm"),
                       ("RMSNorm(x)", "rms_norm")):
        bars = [row for row in rows if row["group"] == group]
        assert [row["category"] for row in bars] == [str(i) for i in range(8)], group
        assert_allclose([row["value"] for row in bars], result[key], rtol=1e-12,
                        err_msg=f"bars of {group}")


@pytest.mark.parametrize("values", [
    {"spike": -20.0, "gamma": 2.5, "beta": -1.0, "eps": 1e-08},
    {"spike": 0.0, "gamma": 0.0, "beta": 1.5, "eps": 1.0},
])
def test_controls(values, run_with):
    result = run_with("07/norms_one_vector", **values)
    assert result["x"][3] == values["spike"]
    _check(result)
