"""demos/03/sinusoidal.py: the encodings follow the interleaved formula; similarity is by offset."""
import numpy as np


def test_default_and_controls(run_with):
    for T, d, base in ((64, 32, 10000.0), (40, 24, 100.0), (8, 8, 1000.0)):
        result = run_with("03/sinusoidal", T=T, d=d, base=base)
        assert result["shape"] == [T, d]
        assert result["formula_error"] < 1e-12
        assert result["offset_only_error"] < 1e-12
        assert abs(result["norm"] - np.sqrt(d / 2)) < 1e-12, "each row has norm sqrt(d/2)"
        assert abs(result["shortest_wavelength"] - 2 * np.pi) < 1e-12
        longest = 2 * np.pi * base ** ((d - 2) / d)
        assert abs(result["longest_wavelength"] / longest - 1) < 1e-12


def test_figures_show_three_features_and_the_offset_curves(cpython_run):
    outcome = cpython_run("03/sinusoidal")
    assert outcome["error"] is None, outcome["error"]
    features, curves = outcome["figures"]
    T, d = 64, 32
    assert features["usermeta"]["itt"]["kind"] == "lines" and features["usermeta"]["itt"]["caption"]
    rows = features["layer"][0]["data"]["values"]
    for i, wavelength in ((0, "6.28"), (4, "62.8"), (8, "628")):  # 2π, 2π·10, 2π·100
        ys = [row["y"] for row in rows if row["series"] == f"PE[p, {2 * i}], λ = {wavelength}"]
        np.testing.assert_allclose(ys, np.sin(np.arange(T) / 10000.0 ** (2 * i / d)),
                                   atol=1e-12, err_msg=f"feature {2 * i}")
    assert curves["usermeta"]["itt"]["kind"] == "lines"
    rows = curves["layer"][0]["data"]["values"]
    k = np.arange(T - 5)
    by_formula = np.sum(np.cos(k[:, None] / 10000.0 ** (2 * np.arange(d // 2) / d)), axis=1)
    for start in (0, 5):
        ys = [row["y"] for row in rows if row["series"] == f"p = {start}"]
        np.testing.assert_allclose(ys, by_formula, atol=1e-12, err_msg=f"PE_p . PE_p+k, p={start}")
