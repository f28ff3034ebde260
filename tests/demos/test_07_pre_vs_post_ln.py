"""demos/07/pre_vs_post_ln.py: residual norms recomputed from a block-by-block NumPy pass, and
the depth trends of Xiong et al. (2020) at initialisation."""
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from demos.params import with_values

DEMO = Path(__file__).resolve().parents[2] / "demos" / "07" / "pre_vs_post_ln.py"


def test_default_run(cpython_run):
    outcome = cpython_run("07/pre_vs_post_ln")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    L = r["n_layers"]
    for position in ("pre", "post"):
        assert len(r[position]["residual_norms"]) == L + 1
        assert len(r[position]["grad_norms"]) == L
    # Post-LN ends every layer in a LayerNorm (gamma 1, beta 0 at init): each token vector has
    # norm sqrt(d_model) up to eps, so the stream's norm is flat.
    assert_allclose(r["post"]["residual_norms"][1:], np.sqrt(32), rtol=1e-4,
                    err_msg="post-LN residual norms")
    assert r["post"]["residual_growth"] == pytest.approx(1.0, abs=1e-6)
    # Pre-LN's stream is a running sum, so it grows with depth.
    assert r["pre"]["residual_growth"] > 2.0
    # Xiong et al., theorem 1: the last layer's gradient shrinks with L in pre-LN, not post-LN.
    pre, post = r["sweep"]["pre"], r["sweep"]["post"]
    assert pre[-1] < 0.4 * pre[0]
    assert post[-1] > 0.5 * post[0]
    assert r["post_over_pre_deepest"] > 2.0
    panels, sweep = outcome["figures"]
    assert panels["usermeta"]["itt"]["kind"] == "panels"
    assert sweep["usermeta"]["itt"]["kind"] == "lines"
    assert panels["usermeta"]["itt"]["caption"] and sweep["usermeta"]["itt"]["caption"]
    residual_panel, grad_panel = panels["concat"]
    for panel, key, first_layer in ((residual_panel, "residual_norms", 0),
                                    (grad_panel, "grad_norms", 1)):
        for name, position in (("pre-LN", "pre"), ("post-LN", "post")):
            rows = [row for row in _rows(panel) if row["series"] == name]
            assert [row["x"] for row in rows] == list(range(first_layer, L + 1)), key
            assert_allclose([row["y"] for row in rows], r[position][key], rtol=1e-12,
                            err_msg=f"{key} panel, {name}")
    for name, position in (("pre-LN", "pre"), ("post-LN", "post")):
        rows = [row for row in _rows(sweep) if row["series"] == name]
        assert [row["x"] for row in rows] == r["depths"]
        assert_allclose([row["y"] for row in rows], r["sweep"][position], rtol=1e-12,
                        err_msg=f"depth sweep, {name}")


def _rows(figure):
    """The data rows of a lines figure (its first layer holds the series)."""
    return figure["layer"][0]["data"]["values"]


def test_residual_norms_match_the_diagnostics():
    source = with_values(DEMO.read_text(encoding="utf-8"), n_layers=3, norm="rms")
    namespace = {"__name__": "__main__"}
    exec(compile(source, str(DEMO), "exec"), namespace)
    model = namespace["build"]("pre", 3)
    _, diagnostics = model.forward(namespace["ids"], return_diagnostics=True)
    expected = [np.mean(np.sqrt(np.sum(x**2, axis=-1))) for x in diagnostics["residuals"]]
    assert_allclose(namespace["result"]["pre"]["residual_norms"], expected, rtol=1e-12,
                    err_msg="pre-LN residual norms")


def test_gpt2_init_option_runs(run_with):
    assert run_with("07/pre_vs_post_ln", init="gpt2", n_layers=4)["init"] == "gpt2"


def test_gpt2_init_remedies_pre_ln_growth(run_with, cpython_run):
    """Chapter 07: GPT-2's 1/sqrt(2L) output scaling keeps pre-LN's stream from growing with
    depth and its last layer's gradient from shrinking with depth."""
    xavier = cpython_run("07/pre_vs_post_ln")["result"]
    gpt2 = run_with("07/pre_vs_post_ln", init="gpt2")
    assert gpt2["pre"]["residual_growth"] < 1.2 < 2.0 < xavier["pre"]["residual_growth"]
    assert gpt2["sweep"]["pre"][-1] > 0.8 * gpt2["sweep"]["pre"][0]
    # Post-LN's per-layer gradients at Xiong's initialisation are level: no layer has more
    # than about 1.5 times another's, and the last has less than the first.
    post = xavier["post"]
    assert post["grad_max"] < 1.5 * post["grad_min"]
    assert post["grad_norms"][-1] < post["grad_norms"][0]
