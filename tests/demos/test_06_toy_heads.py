"""demos/06/toy_heads.py: a trained toy head attends to t - offset, measured independently here."""
from pathlib import Path

import numpy as np
import pytest

import pycore as pc
from demos.params import with_values

DEMO = Path(__file__).resolve().parents[2] / "demos" / "06" / "toy_heads.py"


def _scores_by_loop(weights, offset):
    """Mean weight from query t to key t - offset, over sequences and t >= offset, per head."""
    n, h, T, _ = weights.shape
    return np.array([np.mean([weights[b, i, t, t - offset] for b in range(n)
                              for t in range(offset, T)]) for i in range(h)])


def test_default_run_learns_a_previous_token_head(cpython_run):
    outcome = cpython_run("06/toy_heads")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    assert r["offset"] == 1
    # Before training the heads are close to uniform over the visible keys ...
    np.testing.assert_allclose(r["before"], r["uniform"], atol=0.05, err_msg="before")
    # ... after training at least one head puts most of its weight on the previous token.
    assert r["best_after"] > 0.8
    assert r["final_loss"] < 0.5 * np.log(12)
    summary, heatmap = outcome["figures"]
    assert summary["usermeta"]["itt"]["kind"] == "panels"
    assert heatmap["usermeta"]["itt"]["kind"] == "heatmap"
    loss, bars = summary["concat"]
    assert len(loss["layer"][0]["data"]["values"]) == r["steps"]
    assert loss["layer"][0]["data"]["values"][-1]["y"] == r["final_loss"]
    heights = {(row["category"], row["group"]): row["value"]
               for row in bars["layer"][0]["data"]["values"]}
    for i in range(r["h"]):
        assert heights[(f"head {i}", "before training")] == r["before"][i]
        assert heights[(f"head {i}", "after training")] == r["after"][i]
        assert heights[(f"head {i}", "uniform attention")] == r["uniform"]
    assert f"Head {r['best_head']}'s weights" in heatmap["usermeta"]["itt"]["caption"]


@pytest.mark.parametrize("offset", [2, 3])
def test_scores_match_a_loop_over_the_weights(offset):
    source = with_values(DEMO.read_text(encoding="utf-8"), offset=offset, steps=20)
    namespace = {"__name__": "__main__"}
    exec(compile(source, str(DEMO), "exec"), namespace)
    figures = pc.figures.take_shown()  # the runner would collect them; here the test does
    np.testing.assert_allclose(namespace["after"],
                               _scores_by_loop(namespace["weights"], offset),
                               rtol=1e-12, err_msg="offset scores")
    T = namespace["T"]
    # The heatmap shows head `best` on the first held-out sequence, future keys masked.
    cells = figures[-1]["data"]["values"]
    weights = namespace["weights"][0, namespace["best"]]  # (T, T)
    for cell in cells:
        r, c = cell["r"], cell["c"]
        assert cell["masked"] == (c > r), (r, c)
        if c <= r:
            assert cell["value"] == weights[r, c], (r, c)
    probe = namespace["probe"]
    assert [cell["row"] for cell in cells[::T]] == [f"{t}:{probe[0, t]}" for t in range(T)]
    assert namespace["uniform"] == pytest.approx(np.mean([1 / (t + 1) for t in range(offset, T)]))
