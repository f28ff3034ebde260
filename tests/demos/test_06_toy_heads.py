"""demos/06/toy_heads.py: two heads split a two-offset task, measured independently here."""
from pathlib import Path

import numpy as np
import pytest

import pycore as pc
from demos.params import with_values

DEMO = Path(__file__).resolve().parents[2] / "demos" / "06" / "toy_heads.py"


def _weights_by_loop(weights, offset):
    """Mean weight from query t to key t - offset, over sequences and t >= 2, per head."""
    n, h, T, _ = weights.shape
    return np.array([np.mean([weights[b, i, t, t - offset] for b in range(n)
                              for t in range(2, T)]) for i in range(h)])


def test_default_run_gives_each_offset_its_own_head(cpython_run):
    outcome = cpython_run("06/toy_heads")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    assert r["h"] == 2
    after = np.array(r["after"])  # (h, 2): weight on t-1, on t-2
    # Before training both heads are close to uniform over the visible keys ...
    np.testing.assert_allclose(r["before"], r["uniform"], atol=0.05, err_msg="before")
    # ... after training one head fetches t - 1 and the other t - 2, each almost exclusively.
    # (The chapter names them: head 0 takes t - 1, head 1 takes t - 2.)
    assert np.argmax(after, axis=1).tolist() == [0, 1]
    assert after.max(axis=1).min() > 0.9 and after.min(axis=1).max() < 0.05
    assert r["split"] is True and sorted(r["jobs"]) == ["t − 1", "t − 2"]
    assert r["final_loss"] < 0.05 * np.log(16)
    summary, heads = outcome["figures"]
    loss, bars = summary["concat"]
    assert len(loss["layer"][0]["data"]["values"]) == r["steps"]
    heights = {(row["category"], row["group"]): row["value"]
               for row in bars["layer"][0]["data"]["values"]}
    for i in range(r["h"]):
        assert heights[(f"head {i}", "on t − 1")] == after[i, 0]
        assert heights[(f"head {i}", "on t − 2")] == after[i, 1]
    assert len(heads["concat"]) == r["h"], "one weight heatmap per head"


def test_one_head_cannot_specialise(cpython_run):
    source = with_values(DEMO.read_text(encoding="utf-8"), h=1)
    namespace = {"__name__": "__main__"}
    exec(compile(source, str(DEMO), "exec"), namespace)
    pc.figures.take_shown()
    (row,) = namespace["after"]
    # The single head has to spread its weight over both offsets, and no split is claimed.
    assert row.min() > 0.2 and namespace["split"] is False


@pytest.mark.parametrize("h", [2, 4])
def test_measurements_match_a_loop_over_the_weights(h):
    source = with_values(DEMO.read_text(encoding="utf-8"), h=h, steps=20)
    namespace = {"__name__": "__main__"}
    exec(compile(source, str(DEMO), "exec"), namespace)
    figures = pc.figures.take_shown()
    weights = namespace["weights"]  # (64, h, T, T)
    for k, offset in enumerate((1, 2)):
        np.testing.assert_allclose(namespace["after"][:, k], _weights_by_loop(weights, offset),
                                   rtol=1e-12, err_msg=f"weight on t - {offset}")
    T = namespace["T"]
    assert namespace["uniform"] == pytest.approx(np.mean([1 / (t + 1) for t in range(2, T)]))
    # Targets: the class S * x[t-1] + x[t-2], nothing where t - 2 does not exist.
    ids = np.array([[0, 1, 2, 3, 0, 1, 2, 3, 0, 1]])
    targets = namespace["targets_of"](ids)
    assert targets[0, :2].tolist() == [-1, -1]
    assert targets[0, 2:].tolist() == [4 * ids[0, t - 1] + ids[0, t - 2] for t in range(2, T)]
    # Each head's panel shows its weights on the first held-out sequence, future masked.
    panels = figures[-1]["concat"]
    for i, panel in enumerate(panels):
        for cell in panel["data"]["values"]:
            r, c = cell["r"], cell["c"]
            assert cell["masked"] == (c > r), (r, c)
            if c <= r:
                assert cell["value"] == weights[0, i, r, c], (i, r, c)
