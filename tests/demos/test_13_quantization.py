"""demos/13/quantization.py: byte counts from the shapes, errors ordered, loss barely moves."""
import pytest


def _bytes(n_values, n_scales, bits):
    return (n_values * bits + 7) // 8 + 2 * n_scales  # packed values + fp16 scales


def test_default_per_column(cpython_run):
    outcome = cpython_run("13/quantization")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    f = r["formats"]
    n = r["n_values"]
    assert f["fp16"]["bytes"] == 2 * n
    # Tiny model: d_model 32, d_ff 64, V characters, max_len 128, 2 layers
    # (tokens, positions, then W_q, W_k, W_v, W_o, W1, W2 per layer).
    V = len(set("the cat sat on the mat. "))
    assert n == V * 32 + 128 * 32 + 2 * (4 * 32 * 32 + 2 * 32 * 64)
    n_columns = 32 + 32 + 2 * (4 * 32 + 64 + 32)  # one scale per output column
    assert f["int8"]["bytes"] == _bytes(n, n_columns, 8)
    assert f["int4"]["bytes"] == _bytes(n, n_columns, 4)
    assert 0 < f["int8"]["relative_error"] < f["int4"]["relative_error"] < 0.2
    # int8 leaves the loss almost unchanged; int4 costs more.
    assert f["int8"]["loss"] == pytest.approx(f["fp16"]["loss"], rel=0.02)
    assert abs(f["int4"]["loss"] - f["fp16"]["loss"]) >= abs(f["int8"]["loss"]
                                                             - f["fp16"]["loss"])
    (figure,) = outcome["figures"]  # two panels: memory and loss per format
    assert figure["usermeta"]["itt"]["kind"] == "panels" and figure["usermeta"]["itt"]["caption"]
    memory, loss = ({row["category"]: row["value"] for row in panel["layer"][0]["data"]["values"]}
                    for panel in figure["concat"])
    assert memory == {name: f[name]["bytes"] / 1024 for name in ("fp16", "int8", "int4")}
    assert loss == {name: f[name]["loss"] for name in ("fp16", "int8", "int4")}


def test_per_tensor_stores_one_scale_per_matrix(run_with):
    r = run_with("13/quantization", granularity="per-tensor")
    n, m = r["n_values"], r["n_matrices"]
    assert r["formats"]["int8"]["bytes"] == _bytes(n, m, 8)
    assert r["formats"]["int4"]["bytes"] == _bytes(n, m, 4)
