"""demos/06/split_heads.py: batched heads equal a per-head loop, checked independently here."""
from pathlib import Path

import numpy as np
from numpy.testing import assert_allclose

from demos.params import with_values
from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "06" / "split_heads.py"


def _reference_heads(x, W_q, W_k, W_v, W_o, h):
    """Multi-head causal attention written from the equations, one head at a time."""
    B, T, d_model = x.shape
    d_head = d_model // h
    Q, K, V = x @ W_q, x @ W_k, x @ W_v
    future = np.triu(np.ones((T, T), dtype=bool), k=1)
    outs = []
    for i in range(h):
        cols = slice(i * d_head, (i + 1) * d_head)
        scores = Q[..., cols] @ np.swapaxes(K[..., cols], -1, -2) / np.sqrt(d_head)
        scores = np.where(future, -np.inf, scores)
        weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
        weights /= weights.sum(axis=-1, keepdims=True)
        outs.append(weights @ V[..., cols])
    return np.concatenate(outs, axis=-1) @ W_o


def test_default_run_matches_the_facts(cpython_run):
    outcome = cpython_run("06/split_heads")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    assert result["d_head"] == 768 // 12 == 64
    assert result["q_shape"] == [1, 12, 128, 64]
    assert result["scores_shape"] == [1, 12, 128, 128]
    assert result["loop_max_abs_diff"] <= 1e-12
    assert result["sum_max_abs_diff"] <= 1e-12
    # reshape without transpose keeps the shape but scrambles tokens and features
    assert result["reshape_only_max_abs_diff"] > 1.0
    assert outcome["seconds"] < 5.0


def test_demo_output_equals_an_independent_multi_head_attention():
    # Re-run the demo's own computation in a namespace and compare with the equations.
    source = with_values(DEMO.read_text(encoding="utf-8"), d_model=64, h=4, T=16)
    namespace = {"__name__": "__main__"}
    exec(compile(source, str(DEMO), "exec"), namespace)
    expected = _reference_heads(namespace["x"], namespace["W_q"], namespace["W_k"],
                                namespace["W_v"], namespace["W_o"], 4)
    assert_allclose(namespace["batched_out"], expected, rtol=1e-10, atol=1e-12,
                    err_msg="batched multi-head output")
    assert namespace["result"]["d_head"] == 16


def test_indivisible_configuration_explains_itself():
    outcome = run_demo(with_values(DEMO.read_text(encoding="utf-8"), d_model=64, h=12),
                       filename=str(DEMO))
    assert outcome["error"] is not None and "not divisible" in outcome["error"]
