"""demos/05/scaling_ablation.py: Var(q.k) ~ d_k, and 1/sqrt(d_k) keeps the softmax unsaturated."""
from pathlib import Path

import numpy as np

from demos.params import with_values
from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "05" / "scaling_ablation.py"


def _outcome(**values):
    outcome = run_demo(with_values(DEMO.read_text(encoding="utf-8"), **values),
                       filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    return outcome


def _run(**values):
    """The demo's result with some controls set; it must also draw its one figure."""
    outcome = _outcome(**values)
    assert len(outcome["figures"]) == 1
    return outcome["result"]


def test_variance_grows_as_d_k_and_scaling_removes_it():
    result = _run()
    # 256 x 16 = 4,096 samples per point: the sample variance is within a few percent of
    # its expectation; 15% leaves room without letting a wrong scaling (factor >= 2) pass.
    for d in result["grid"]:
        row = result["curves"][str(d)]
        assert abs(row["unscaled"]["variance"] / d - 1) < 0.15, f"Var(q.k) at d_k={d}"
        assert abs(row["scaled"]["variance"] - 1) < 0.15, f"Var(q.k/sqrt(d_k)) at d_k={d}"


def test_unscaled_softmax_saturates_and_loses_gradient():
    result = _run()
    log_T = np.log(result["T"])
    assert abs(result["log_T"] - log_T) < 1e-12
    big = result["curves"]["512"]
    small = result["curves"]["4"]
    assert big["unscaled"]["entropy"] < 0.2 * log_T
    assert big["unscaled"]["saturated"] > 0.5
    assert big["scaled"]["saturated"] == 0.0
    assert big["unscaled"]["jacobian_norm"] < 0.5 * big["scaled"]["jacobian_norm"]
    # with scaling, the statistics do not depend on d_k
    for key in ("entropy", "jacobian_norm"):
        assert abs(big["scaled"][key] - small["scaled"][key]) < 0.1 * small["scaled"][key], key
    assert result["jacobian_check"] < 1e-12


def test_controls_change_the_chosen_point():
    result = _run(d_k=200, T=8)
    assert result["d_k"] == 200 and result["T"] == 8 and 200 in result["grid"]
    assert result["chosen"] == result["curves"]["200"]
    assert abs(result["chosen"]["unscaled"]["variance"] / 200 - 1) < 0.15


def test_figure_plots_the_measured_curves():
    outcome = _outcome(d_k=200, T=8)
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "panels" and figure["usermeta"]["itt"]["caption"]
    grid = result["grid"]
    for panel, key in zip(figure["concat"], ("variance", "entropy", "jacobian_norm")):
        rows = panel["layer"][0]["data"]["values"]
        for label, name in (("q·k", "unscaled"), ("q·k / √d_k", "scaled")):
            points = [row for row in rows if row["series"] == label]
            assert [row["x"] for row in points] == grid, key
            np.testing.assert_allclose([row["y"] for row in points],
                                       [result["curves"][str(d)][name][key] for d in grid],
                                       rtol=1e-12, err_msg=f"{key}, {name}")
        marker = panel["layer"][1]["data"]["values"][0]
        assert marker["value"] == 200.0, "the chosen d_k is marked"
    assert figure["concat"][0]["layer"][0]["layer"][0]["encoding"]["y"]["scale"] == {"type": "log"}
    for panel in figure["concat"]:  # d_k doubles along the grid: ticks at powers of two
        assert panel["layer"][0]["layer"][0]["encoding"]["x"]["scale"] == {"type": "log", "base": 2}
    uniform = figure["concat"][1]["layer"][3]["data"]["values"][0]
    assert abs(uniform["value"] - np.log(8)) < 1e-12, "entropy of uniform weights, ln T"
