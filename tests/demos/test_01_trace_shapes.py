"""demos/01/trace_shapes.py: the hand-made forward pass has the config's shapes and logits."""
import numpy as np
import pytest

import pycore as pc


def _expected_steps(T, config):
    """The (step, shape) list written out from the config, not from the demo's arrays."""
    B, d, h, d_ff, V = 1, config.d_model, config.n_heads, config.d_ff, config.vocab_size
    d_head = d // h
    steps = [["token ids", [B, T]], ["embedding lookup", [B, T, d]]]
    for i in range(config.n_layers):
        steps += [
            [f"L{i} LayerNorm", [B, T, d]],
            [f"L{i} Q = x W_Q (K, V alike)", [B, T, h * d_head]],
            [f"L{i} split heads (Q, K, V)", [B, h, T, d_head]],
            [f"L{i} scores Q K^T / sqrt(d_head)", [B, h, T, T]],
            [f"L{i} attention weights", [B, h, T, T]],
            [f"L{i} weights @ V", [B, h, T, d_head]],
            [f"L{i} merge heads", [B, T, h * d_head]],
            [f"L{i} W_O", [B, T, d]],
            [f"L{i} residual add", [B, T, d]],
            [f"L{i} LayerNorm", [B, T, d]],
            [f"L{i} FFN up", [B, T, d_ff]],
            [f"L{i} GELU", [B, T, d_ff]],
            [f"L{i} FFN down", [B, T, d]],
            [f"L{i} residual add", [B, T, d]],
        ]
    return steps + [["final LayerNorm", [B, T, d]], ["logits (x E^T)", [B, T, V]]]


def _next_char_probs(prompt):
    model, tokenizer = pc.load_pretrained("lm_tiny")
    logits = model.forward(np.array(tokenizer.encode(prompt))[None, :])  # (1, T, V)
    last = logits[0, -1].astype(np.float64)
    probs = np.exp(last - last.max())
    return model, tokenizer, probs / probs.sum()


def test_every_step_has_the_shape_the_config_implies(cpython_run):
    result = cpython_run("01/trace_shapes")["result"]
    model, tokenizer = pc.load_pretrained("lm_tiny")
    T = len(tokenizer.encode(result["prompt"]))
    assert result["T"] == T and result["B"] == 1
    assert result["d_head"] == model.config.d_model // model.config.n_heads
    assert result["steps"] == _expected_steps(T, model.config)
    assert result["n_steps"] == len(result["steps"])
    config = model.config
    assert [result[k] for k in ("n_layers", "h", "d_model", "d_ff", "V")] == [
        config.n_layers, config.n_heads, config.d_model, config.d_ff, config.vocab_size]
    # Every stored weight counted: the shipped model's arrays, not the formula.
    arrays = pc.flatten_params(model.params).values()
    assert result["n_params"] == sum(int(np.prod(w.shape)) for w in arrays)


def test_hand_made_logits_equal_the_models(cpython_run):
    result = cpython_run("01/trace_shapes")["result"]
    # The demo works on a float64 copy of the weights: agreement to float64 rounding.
    assert result["max_diff"] < 1e-10, f"hand-made logits differ by {result['max_diff']}"


@pytest.mark.parametrize("prompt", ["attention is", "the model", "a key"])
def test_top5_are_the_models_most_likely_next_characters(prompt, run_with):
    result = run_with("01/trace_shapes", prompt=prompt)
    _, tokenizer, probs = _next_char_probs(prompt)
    top = np.argsort(-probs)[:5]
    assert result["top5"] == [tokenizer.decode([int(j)]) for j in top]
    # The reference runs the shipped float32 weights; the demo a float64 copy of them.
    np.testing.assert_allclose(result["top5_probs"], probs[top], rtol=1e-4, atol=1e-6,
                               err_msg="top-5 next-character probabilities")
    assert result["max_diff"] < 1e-10
