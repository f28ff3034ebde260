"""demos/12/train_tiny.py: the first loss is the untrained model's, and training lowers it."""
import numpy as np
from numpy.testing import assert_allclose

import pycore as pc

TEXT = "the cat sat on the mat. the dog sat on the log. " * 4  # the demo's text, restated


def _numpy_cross_entropy(logits, targets):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-np.take_along_axis(log_probs, targets[..., None], axis=-1).mean())


def test_first_loss_is_the_untrained_models_loss_on_the_first_batch(run_with):
    result = run_with("12/train_tiny", steps=10)
    chars = sorted(set(TEXT))
    data = np.array([chars.index(c) for c in TEXT])  # (N,)
    V = len(chars)
    config = pc.TransformerConfig(vocab_size=V, d_model=32, n_heads=2, n_layers=1, d_ff=64,
                                  max_len=16)
    rng = np.random.default_rng(0)
    starts = rng.integers(0, data.size - 16, size=8)  # as the loop's batch sampler draws
    ids = data[starts[:, None] + np.arange(16)]  # (B, T)
    targets = data[starts[:, None] + np.arange(16) + 1]  # (B, T)
    logits = pc.DecoderLM(config, seed=0)(ids)  # (B, T, V)
    assert_allclose(result["first_loss"], _numpy_cross_entropy(logits, targets), rtol=1e-10,
                    err_msg="first_loss")
    assert result["steps"] == 10
    assert result["vocab_size"] == V
    assert_allclose(result["log_V"], np.log(V), rtol=1e-12, err_msg="log_V")


def test_default_run_learns(run_with):
    result = run_with("12/train_tiny")
    assert result["steps"] == 60
    # An untrained model sits near log V; 60 steps must get well below it.
    assert abs(result["first_loss"] - result["log_V"]) < 0.5
    assert result["last_loss"] < 0.5 * result["log_V"], result["last_loss"]


def test_figure_holds_the_loss_curve_and_log_V(cpython_run):
    outcome = cpython_run("12/train_tiny")
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "lines" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    assert [row["x"] for row in rows] == list(range(1, result["steps"] + 1))
    assert rows[0]["y"] == result["first_loss"] and rows[-1]["y"] == result["last_loss"]
    rules = [layer for layer in figure["layer"][1:] if layer["mark"]["type"] == "rule"]
    assert rules[0]["data"]["values"][0]["value"] == result["log_V"]
