"""demos/07/shape_table.py: every shape in the attention sublayer, derived here from the config."""
from pathlib import Path

import pytest

from demos.params import with_values
from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "07" / "shape_table.py"


def _expected(B, T, d_model, h, h_kv):
    d_head = d_model // h
    return {
        "x (residual stream)": [B, T, d_model],
        "LayerNorm(x)": [B, T, d_model],
        "Q = LN(x) W_q + b_q": [B, T, h * d_head],
        "K = LN(x) W_k + b_k": [B, T, h_kv * d_head],
        "V = LN(x) W_v + b_v": [B, T, h_kv * d_head],
        "split Q into h heads": [B, h, T, d_head],
        "split K into h_kv heads": [B, h_kv, T, d_head],
        "split V into h_kv heads": [B, h_kv, T, d_head],
        "K repeated for each query group": [B, h, T, d_head],
        "scores q k^T / sqrt(d_head)": [B, h, T, T],
        "weights = softmax(scores)": [B, h, T, T],
        "heads = weights v": [B, h, T, d_head],
        "merge heads": [B, T, h * d_head],
        "attention output (merged W_o + b_o)": [B, T, d_model],
        "x + attention output": [B, T, d_model],
    }


def test_default_run(cpython_run):
    outcome = cpython_run("07/shape_table")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    c = result["config"]
    assert result["shapes"] == _expected(c["B"], c["T"], c["d_model"], c["h"], c["h_kv"])
    assert result["max_abs_diff_vs_pycore"] <= 1e-10


@pytest.mark.parametrize("B, T, d_model, h, h_kv", [
    (1, 1, 16, 1, 1), (3, 7, 32, 4, 4), (2, 5, 256, 16, 1), (4, 9, 128, 8, 2),
])
def test_controls(B, T, d_model, h, h_kv, run_with):
    result = run_with("07/shape_table", B=B, T=T, d_model=d_model, h=h, h_kv=h_kv)
    assert result["shapes"] == _expected(B, T, d_model, h, h_kv)
    assert result["max_abs_diff_vs_pycore"] <= 1e-10


@pytest.mark.parametrize("values, message", [
    ({"d_model": 16, "h": 16, "h_kv": 1}, None),
    ({"d_model": 32, "h": 4, "h_kv": 8}, "multiple of h_kv"),
])
def test_bad_configurations_explain_themselves(values, message):
    outcome = run_demo(with_values(DEMO.read_text(encoding="utf-8"), **values), filename=str(DEMO))
    if message is None:
        assert outcome["error"] is None, outcome["error"]
    else:
        assert outcome["error"] is not None and message in outcome["error"]
