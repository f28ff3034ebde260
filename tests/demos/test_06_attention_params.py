"""demos/06/attention_params.py: attention parameter counts derived here from the shapes."""
from pathlib import Path

import pytest

from demos.params import with_values
from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "06" / "attention_params.py"


def _expected(d_model, h, h_kv):
    d_head = d_model // h
    q_width, kv_width = h * d_head, h_kv * d_head
    weights = d_model * q_width + 2 * d_model * kv_width + q_width * d_model  # W_q, W_k, W_v, W_o
    biases = q_width + 2 * kv_width + d_model  # b_q, b_k, b_v, b_o
    return weights, biases


def test_default_is_four_d_squared_plus_biases(cpython_run):
    outcome = cpython_run("06/attention_params")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    d = r["d_model"]
    assert r["h"] == r["h_kv"]
    assert r["weights"] == 4 * d * d == r["four_d_squared"]
    assert r["biases"] == 4 * d
    assert r["total"] == 4 * d * d + 4 * d


@pytest.mark.parametrize("d_model, h, h_kv", [(768, 12, 12), (768, 12, 4), (1024, 16, 1),
                                              (64, 1, 1), (256, 8, 2)])
def test_any_configuration(d_model, h, h_kv, run_with):
    result = run_with("06/attention_params", d_model=d_model, h=h, h_kv=h_kv)
    weights, biases = _expected(d_model, h, h_kv)
    assert result["weights"] == weights
    assert result["biases"] == biases
    assert result["d_head"] == d_model // h


def test_impossible_configuration_says_why():
    source = with_values(DEMO.read_text(encoding="utf-8"), d_model=512, h=12)
    outcome = run_demo(source, filename=str(DEMO))
    assert outcome["error"] is not None and "not divisible" in outcome["error"]
