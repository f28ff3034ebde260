"""demos/01/routing_graph.py: the drawn edges are the attention weights above the threshold."""
import numpy as np
import pytest

import pycore as pc


def _edges(text, layer, head, threshold=0.1):
    """Edges (query, key, weight) recomputed with a loop over model.forward's diagnostics."""
    model, tokenizer = pc.load_pretrained("lm_tiny")
    norm = model.params["final_norm"]
    params = {"tokens": model.params["tokens"].astype(np.float64),
              "final_norm": {k: v.astype(np.float64) for k, v in norm.items()},
              "layers": [{part: {k: v.astype(np.float64) for k, v in sub.items()}
                          for part, sub in layer.items()} for layer in model.params["layers"]]}
    model = pc.DecoderLM(model.config, params)  # float64, as the demo
    _, diagnostics = model.forward(np.array(tokenizer.encode(text))[None, :],
                                   return_diagnostics=True)
    weights = diagnostics["attention"][layer][0, head]  # (T, T)
    T = weights.shape[0]
    return [(q, k, float(weights[q, k])) for q in range(T) for k in range(T)
            if weights[q, k] > threshold]


def _text():
    source = open("demos/01/routing_graph.py", encoding="utf-8").read()
    return source.split('text = "', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("layer, head", [(0, 2), (1, 0), (1, 3)])
def test_edges_and_strongest_edge_match_the_models_attention(layer, head, run_with):
    result = run_with("01/routing_graph", layer=layer, head=head)
    edges = _edges(_text(), layer, head)
    assert result["T"] == len(_text())
    assert result["n_edges"] == len(edges)
    assert all(k <= q for q, k, _ in edges), "a causal model cannot read later characters"
    q, k, w = max((e for e in edges if e[0] > 0), key=lambda e: e[2])
    assert result["strongest"][:2] == [q, k]
    np.testing.assert_allclose(result["strongest"][2], w, rtol=1e-12, err_msg="strongest weight")
    assert result["to_previous"] == sum(1 for eq, ek, _ in edges if eq - ek == 1)
    assert result["to_self"] == sum(1 for eq, ek, _ in edges if eq == ek)
    assert result["to_self"] >= 1, "the first character always reads itself"


def test_default_figure_is_drawn(cpython_run):
    outcome = cpython_run("01/routing_graph")
    assert outcome["error"] is None, outcome["error"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "routing_graph"
    assert outcome["result"]["layer"] == 0 and outcome["result"]["head"] == 2
    params = {param["name"]: param.get("value") for param in figure["params"]}
    assert params["itt_layer"] == 0 and params["itt_head"] == 2
    drawn = {(e["q"], e["k"]): e["w"] for e in figure["datasets"]["itt_edges"]
             if (e["l"], e["h"]) == (0, 2)}
    edges = _edges(_text(), 0, 2)
    assert sorted(drawn) == sorted((q, k) for q, k, _ in edges), "the lines drawn"
    np.testing.assert_allclose([drawn[(q, k)] for q, k, _ in edges], [w for _, _, w in edges],
                               rtol=1e-12, err_msg="line weights")
    assert len({(e["l"], e["h"]) for e in figure["datasets"]["itt_edges"]}) == 8, "2 x 4 heads"
