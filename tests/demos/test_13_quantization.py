"""demos/13/quantization.py: lm_tiny quantized; byte counts from the shapes, errors ordered,
held-out loss barely moves for int8 and rises for int4; the text really is held out."""
import pathlib

import numpy as np
import pytest

import pycore as pc

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _bytes(n_values, n_scales, bits):
    return (n_values * bits + 7) // 8 + 2 * n_scales  # packed values + fp16 scales


def _matrices():
    model, _ = pc.load_pretrained("lm_tiny")
    return [w for w in pc.flatten_params(model.params).values() if w.ndim == 2]


def test_held_out_text_comes_from_the_validation_split():
    namespace = {}
    source = (ROOT / "demos/13/quantization.py").read_text(encoding="utf-8")
    start = source.index("HELD_OUT = (")
    exec(source[start:source.index(")\n", start) + 2], namespace)
    corpus = (ROOT / "models/corpus.txt").read_text(encoding="utf-8")
    held_out = namespace["HELD_OUT"]
    assert len(held_out) == 8 * 64 + 1
    assert corpus.find(held_out) >= int(len(corpus) * 0.9), "not in the held-out 10 %"


def test_default_per_column(cpython_run):
    outcome = cpython_run("13/quantization")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    f = r["formats"]
    mats = _matrices()
    n = r["n_values"]
    assert n == sum(w.size for w in mats) and r["n_matrices"] == len(mats) == 13
    assert f["fp16"]["bytes"] == 2 * n
    n_columns = sum(w.shape[1] for w in mats)  # one scale per output column
    assert f["int8"]["bytes"] == _bytes(n, n_columns, 8)
    assert f["int4"]["bytes"] == _bytes(n, n_columns, 4)
    assert 0 < f["int8"]["relative_error"] < f["int4"]["relative_error"] < 0.2
    # held-out loss: near the shipped validation CE (1.78 over the whole split)
    assert 1.3 < f["fp16"]["loss"] < 2.3
    # int8 leaves the loss almost unchanged; int4 costs clearly more.
    assert f["int8"]["loss"] == pytest.approx(f["fp16"]["loss"], abs=0.01)
    assert f["int4"]["loss"] - f["fp16"]["loss"] > 0.03
    (figure,) = outcome["figures"]  # two panels: memory and loss per format
    assert figure["usermeta"]["itt"]["kind"] == "panels" and figure["usermeta"]["itt"]["caption"]
    memory, loss = ({row["category"]: row["value"] for row in panel["layer"][0]["data"]["values"]}
                    for panel in figure["concat"])
    assert memory == {name: f[name]["bytes"] / 1024 for name in ("fp16", "int8", "int4")}
    assert loss == {name: f[name]["loss"] for name in ("fp16", "int8", "int4")}
    assert np.isclose(f["int8"]["saving"], f["fp16"]["bytes"] / f["int8"]["bytes"])


def test_per_tensor_stores_one_scale_per_matrix(run_with):
    r = run_with("13/quantization", granularity="per-tensor")
    n, m = r["n_values"], r["n_matrices"]
    assert r["formats"]["int8"]["bytes"] == _bytes(n, m, 8)
    assert r["formats"]["int4"]["bytes"] == _bytes(n, m, 4)
