"""demos/03/extrapolation.py: what each position scheme gives beyond the training length."""
import numpy as np
from numpy.testing import assert_allclose


def _alibi_mass_beyond(L, n_heads=8):
    """Closed form: weights ~ exp(-m D), D = 0 .. 4L-1; mass on D >= L is a geometric tail."""
    m = 2.0 ** (-8.0 * np.arange(1, n_heads + 1) / n_heads)
    r = np.exp(-m)
    return (r ** L - r ** (4 * L)) / (1 - r ** (4 * L))


def test_each_scheme_beyond_training_length(run_with):
    for L in (32, 16):
        result = run_with("03/extrapolation", T_train=L)
        assert result["learned"].startswith("IndexError"), "no row beyond max_len"
        assert result["novelty_inside_max"] < 1e-12, "positions inside L were seen in training"
        assert result["novelty_2x"] > 0.5 and result["novelty_4x"] > 0.5
        assert_allclose(result["alibi_mass_beyond"], _alibi_mass_beyond(L), atol=1e-12,
                        err_msg=f"ALiBi weight beyond L={L}")
        assert np.all(np.diff(result["alibi_mass_beyond"]) > 0), "shallower heads look farther"
        assert np.all(np.array(result["alibi_lowest_far"])
                      > np.array(result["alibi_lowest_trained"])), "the bias keeps growing"


def test_figure_shows_the_novelty_curve_and_alibi_weights(cpython_run):
    outcome = cpython_run("03/extrapolation")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "panels" and figure["usermeta"]["itt"]["caption"]
    curve, bars = figure["concat"]
    L = result["T_train"]
    points = curve["layer"][0]["data"]["values"]
    assert [row["x"] for row in points] == list(range(4 * L))
    novelty = np.array([row["y"] for row in points])
    assert novelty[:L].max() == result["novelty_inside_max"]
    assert novelty[2 * L - 1] == result["novelty_2x"] and novelty[-1] == result["novelty_4x"]
    assert curve["layer"][1]["data"]["values"][0]["value"] == L, "T_train is marked"
    rows = bars["layer"][0]["data"]["values"]
    assert [row["category"] for row in rows] == [f"1/{2 ** k}" for k in range(1, 9)]
    assert_allclose([row["value"] for row in rows], _alibi_mass_beyond(L), atol=1e-12,
                    err_msg="bar heights")
