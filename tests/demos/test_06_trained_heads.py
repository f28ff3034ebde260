"""demos/06/trained_heads.py: previous-token heads measured in the shipped language model."""
import numpy as np

import pycore as pc
from demos import demo_path
from demos.params import with_values
from demos.runner import run_demo


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


def test_layer_control_chooses_the_layer_shown_first():
    path = demo_path("06/trained_heads")
    outcome = run_demo(with_values(path.read_text(encoding="utf-8"), show_layer=1),
                       filename=str(path))
    assert outcome["error"] is None, outcome["error"]
    assert outcome["result"]["best_layer"] in (0, 1)
    view = outcome["figures"][1]
    params = {param["name"]: param.get("value") for param in view["params"]}
    layer1 = outcome["result"]["previous"][1]
    assert params["itt_layer"] == 1 and params["itt_head"] == layer1.index(max(layer1))


def test_figures_show_the_measurements_and_every_heads_weights(cpython_run):
    outcome = cpython_run("06/trained_heads")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    summary, view = outcome["figures"]
    assert summary["usermeta"]["itt"]["kind"] == "panels"
    for panel, key in zip(summary["concat"], ("previous", "itself")):
        shown = np.zeros((2, 4))
        for cell in panel["data"]["values"]:
            shown[cell["r"], cell["c"]] = cell["value"]
        np.testing.assert_array_equal(shown, result[key], err_msg=key)
    assert view["usermeta"]["itt"]["kind"] == "attention_view"
    assert view["usermeta"]["itt"]["caption"]
    source = open("demos/06/trained_heads.py", encoding="utf-8").read()
    text = source.split('text = "', 1)[1].split('"', 1)[0]
    tokens = [node["token"] for node in view["layer"][1]["data"]["values"]
              if node["side"] == "query"]
    assert tokens == [c.replace(" ", "␣") for c in text[:24]], "characters are the tokens"
    attention = _attention_of(text)
    edges = view["datasets"]["itt_edges"]
    assert {(e["l"], e["h"]) for e in edges} == {(l, h) for l in range(2) for h in range(4)}
    for e in edges:
        np.testing.assert_allclose(e["w"], attention[e["l"]][e["h"], e["q"], e["k"]], rtol=1e-9,
                                   err_msg=f"edge {e}")
    shown = np.zeros((2, 4, 24, 24))
    for e in edges:
        shown[e["l"], e["h"], e["q"], e["k"]] = e["w"]
    np.testing.assert_allclose(shown.sum(axis=-1), 1.0, rtol=1e-9,
                               err_msg="each query's lines carry all its weight")
    params = {param["name"]: param.get("value") for param in view["params"]}
    layer0 = result["previous"][0]
    assert params["itt_layer"] == 0 and params["itt_head"] == layer0.index(max(layer0))
