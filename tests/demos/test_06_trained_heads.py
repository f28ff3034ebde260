"""demos/06/trained_heads.py: previous-token heads measured in the shipped language model."""
import numpy as np

import pycore as pc


def _attention_of(text):
    model, tokenizer = pc.load_pretrained("lm_tiny")
    ids = np.array(tokenizer.encode(text)[: model.config.max_len])[None, :]
    _, diagnostics = model.forward(ids, return_diagnostics=True)
    return [layer[0] for layer in diagnostics["attention"]]  # n_layers x (h, T, T)


def test_per_head_scores_match_a_loop_over_positions(cpython_run):
    result = cpython_run("06/trained_heads")["result"]
    source = open("demos/06/trained_heads.py", encoding="utf-8").read()
    text = source.split('text = "', 1)[1].split('"', 1)[0]
    attention = _attention_of(text)
    T = attention[0].shape[-1]
    assert result["T"] == T
    for layer, weights in enumerate(attention):
        for head in range(weights.shape[0]):
            on_previous = sum(weights[head, t, t - 1] for t in range(1, T)) / (T - 1)
            on_itself = sum(weights[head, t, t] for t in range(1, T)) / (T - 1)
            np.testing.assert_allclose(result["previous"][layer][head], on_previous, rtol=1e-9,
                                       err_msg=f"previous-token weight, layer {layer} head {head}")
            np.testing.assert_allclose(result["itself"][layer][head], on_itself, rtol=1e-9,
                                       err_msg=f"self weight, layer {layer} head {head}")
    np.testing.assert_allclose(result["uniform"], np.mean([1 / (t + 1) for t in range(1, T)]))


def test_the_trained_model_has_a_previous_token_head(cpython_run):
    result = cpython_run("06/trained_heads")["result"]
    best = result["previous"][result["best_layer"]][result["best_head"]]
    assert best == max(max(row) for row in result["previous"])
    # Measured, not asserted by construction: far above what order-blind attention gives.
    assert best > 5 * result["uniform"]


def test_layer_control_switches_the_heatmap(run_with):
    result = run_with("06/trained_heads", show_layer=1)
    assert result["best_layer"] in (0, 1)
