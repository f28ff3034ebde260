"""demos/09/causality.py: per-position logit changes against an independent comparison."""
import numpy as np
from numpy.testing import assert_allclose

import pycore as pc


def test_figure_shows_the_changes_per_position(cpython_run):
    outcome = cpython_run("09/causality")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "bars" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    assert [row["category"] for row in rows][:4] == ["T₀", "h₁", "e₂", "␣₃"]
    assert [row["value"] for row in rows] == result["diff"]
    j = result["change_at"]
    assert [row["group"] for row in rows] == ["earlier"] * j + ["changed or later"] * (
        len(rows) - j), "positions before the change are coloured apart from the rest"


def test_earlier_logits_are_untouched_and_later_ones_move(run_with):
    model, tok = pc.load_pretrained("lm_tiny")
    for j in (0, 8, 23):
        result = run_with("09/causality", change_at=j)
        ids = tok.encode(result["text"])
        other = list(ids)
        other[j] = tok.encode("#")[0]
        a = model.forward(np.array([ids]))[0].astype(np.float64)  # (T, V)
        b = model.forward(np.array([other]))[0].astype(np.float64)  # (T, V)
        expected = np.abs(a - b).max(axis=-1)  # (T,)
        assert_allclose(result["diff"], expected, rtol=1e-12, atol=0, err_msg=f"diff, j={j}")
        assert np.all(np.asarray(result["diff"])[:j] == 0.0), f"logits before position {j} changed"
        assert result["diff"][j] > 0.0, f"position {j} sees its own input"
        assert result["max_before"] == 0.0
        assert result["n_changed"] == int(np.count_nonzero(expected > 0))
