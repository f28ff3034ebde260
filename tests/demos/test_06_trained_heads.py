"""demos/06/trained_heads.py: every head of the shipped language model, measured independently."""
import numpy as np

import pycore as pc
from demos import demo_path
from demos.params import with_values
from demos.runner import run_demo

TEXT_LINE = 'text = "'


def _text():
    source = demo_path("06/trained_heads").read_text(encoding="utf-8")
    return source.split(TEXT_LINE, 1)[1].split('"', 1)[0]


def _attention_of(ids):
    model, _ = pc.load_pretrained("lm_tiny")
    _, diagnostics = model.forward(np.asarray(ids)[None, :], return_diagnostics=True)
    return [layer[0] for layer in diagnostics["attention"]]  # n_layers x (h, T, T)


def test_shares_match_a_loop_over_positions(cpython_run):
    result = cpython_run("06/trained_heads")["result"]
    _, tokenizer = pc.load_pretrained("lm_tiny")
    text = _text()
    attention = _attention_of(tokenizer.encode(text)[:64])
    T = attention[0].shape[-1]
    assert result["T"] == T
    for layer, weights in enumerate(attention):
        for head in range(weights.shape[0]):
            parts = np.zeros(5)
            for t in range(2, T):
                row = weights[head, t]
                spaces = sum(row[j] for j in range(t - 2) if text[j] == " ")
                others = sum(row[j] for j in range(t - 2) if text[j] != " ")
                parts += [row[t], row[t - 1], row[t - 2], spaces, others]
            parts /= T - 2
            np.testing.assert_allclose(result["share"][layer][head], parts, rtol=1e-9,
                                       err_msg=f"layer {layer} head {head}")
            assert abs(sum(parts) - 1) < 1e-9, "the five parts cover all the weight"
            assert result["labels"][layer][head] == result["names"][int(np.argmax(parts))]
    np.testing.assert_allclose(result["uniform"], np.mean([1 / (t + 1) for t in range(2, T)]))


def test_the_model_has_previous_character_and_space_heads_but_no_induction_head(cpython_run):
    result = cpython_run("06/trained_heads")["result"]
    share = np.array(result["share"])
    assert result["best_previous"] == share[:, :, 1].max()
    # Measured, not built in: far above what order-blind attention gives.
    assert result["best_previous"] > 5 * result["uniform"]
    assert (result["best_layer"], result["best_head"]) == (1, 1)
    # One head prefers earlier spaces, more than twice what uniform weights would give them.
    assert result["labels"][result["space_layer"]][result["space_head"]] == "earlier spaces"
    assert result["best_space"] > 2 * result["space_uniform"]
    # Induction: no head beats uniform attention on the repeated string.
    assert result["has_induction_head"] is False
    assert result["induction_max"] < result["induction_uniform"]  # as the chapter says


def test_induction_measure_matches_a_loop():
    result = run_demo(demo_path("06/trained_heads").read_text(encoding="utf-8"),
                      filename=str(demo_path("06/trained_heads")))["result"]
    _, tokenizer = pc.load_pretrained("lm_tiny")
    letters = np.array(tokenizer.encode("abcdefghijklmnopqrstuvwxyz"))
    once = np.random.default_rng(0).choice(letters, size=20)
    attention = _attention_of(np.concatenate([once, once]))
    for layer, weights in enumerate(attention):
        for head in range(weights.shape[0]):
            # From position i of the copy to the character after its first occurrence.
            expected = np.mean([weights[head, i, i - 19] for i in range(20, 39)])
            np.testing.assert_allclose(result["induction"][layer][head], expected, rtol=1e-9)
    np.testing.assert_allclose(result["induction_uniform"],
                               np.mean([1 / (i + 1) for i in range(20, 39)]))


def test_figures_label_the_heads_and_open_on_the_discussed_head(cpython_run):
    outcome = cpython_run("06/trained_heads")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    table, view = outcome["figures"]
    assert table["usermeta"]["itt"]["kind"] == "heatmap"
    rows = sorted({(cell["r"], cell["row"]) for cell in table["data"]["values"]})
    short = dict(zip(result["names"], ["itself", "t − 1", "t − 2", "spaces", "rest"]))
    assert [label for _, label in rows] == [
        f"L{i} H{j} · {short[result['labels'][i][j]]}" for i in range(2) for j in range(4)]
    share = np.array(result["share"]).reshape(8, 5)
    for cell in table["data"]["values"]:
        assert cell["value"] == share[cell["r"], cell["c"]]
    assert view["usermeta"]["itt"]["kind"] == "attention_view"
    tokens = [node["token"] for node in view["layer"][1]["data"]["values"]
              if node["side"] == "query"]
    assert tokens == [c.replace(" ", "␣") for c in _text()[:24]], "characters are the tokens"
    params = {param["name"]: param.get("value") for param in view["params"]}
    # The view opens on the head the chapter discusses: the strongest previous-character head.
    assert (params["itt_layer"], params["itt_head"]) == (result["best_layer"], result["best_head"])


def test_layer_control_chooses_the_layer_shown_first():
    path = demo_path("06/trained_heads")
    outcome = run_demo(with_values(path.read_text(encoding="utf-8"), layer_shown=0),
                       filename=str(path))
    assert outcome["error"] is None, outcome["error"]
    view = outcome["figures"][1]
    params = {param["name"]: param.get("value") for param in view["params"]}
    layer0 = [row[1] for row in outcome["result"]["share"][0]]
    assert params["itt_layer"] == 0 and params["itt_head"] == layer0.index(max(layer0))
