"""demos/09/layer_diagnostics.py: entropies and residual norms recomputed from the model."""
import numpy as np
from numpy.testing import assert_allclose

import pycore as pc


def test_entropy_and_norms(cpython_run):
    outcome = cpython_run("09/layer_diagnostics")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    model, tok = pc.load_pretrained("lm_tiny")
    ids = np.array([tok.encode(result["text"])])  # (1, T)
    _, diag = model.forward(ids, return_diagnostics=True)
    L, h, T = model.config.n_layers, model.config.n_heads, ids.shape[1]
    assert np.shape(result["entropy"]) == (L, h)
    for layer, weights in enumerate(diag["attention"]):
        w = weights[0].astype(np.float64)  # (h, T, T)
        assert np.all(np.triu(w, k=1) == 0), "causal: no weight on later positions"
        plogp = np.where(w > 0, w * np.log(np.where(w > 0, w, 1.0)), 0.0)
        expected = -plogp.sum(axis=-1).mean(axis=-1)  # (h,)
        assert_allclose(result["entropy"][layer], expected, rtol=1e-4,
                        err_msg=f"entropy, layer {layer}")
    assert_allclose(result["uniform_entropy"], np.mean([np.log(t + 1) for t in range(T)]),
                    rtol=1e-12, err_msg="uniform entropy")
    assert np.all(np.asarray(result["entropy"]) <= result["uniform_entropy"] + 1e-5)
    norms = [np.linalg.norm(r[0].astype(np.float64), axis=-1).mean() for r in diag["residuals"]]
    assert_allclose(result["norms"], norms, rtol=1e-5, err_msg="residual norms")

    bars_panels, view = outcome["figures"]
    assert bars_panels["usermeta"]["itt"]["kind"] == "panels"
    entropy_panel, norm_panel = bars_panels["concat"]
    shown = {(row["category"], row["group"]): row["value"]
             for row in entropy_panel["layer"][0]["data"]["values"]}
    for layer in range(L):
        for head in range(h):
            assert shown[(f"layer {layer}", f"head {head}")] == result["entropy"][layer][head]
    (uniform,) = [row["value"] for row in entropy_panel["layer"][1]["data"]["values"]]
    assert uniform == result["uniform_entropy"]
    assert [row["value"] for row in norm_panel["layer"][0]["data"]["values"]] == result["norms"]

    # The attention view holds every weight above its 1% threshold, exactly.
    meta = view["usermeta"]["itt"]
    assert meta["kind"] == "attention_view" and meta["caption"]
    edges = view["datasets"]["itt_edges"]
    attention = np.stack([a[0] for a in diag["attention"]]).astype(np.float64)  # (L, h, T, T)
    assert len(edges) == int(np.count_nonzero(attention > 0.01))
    for edge in edges:
        assert edge["w"] == attention[edge["l"], edge["h"], edge["q"], edge["k"]]
        assert edge["k"] <= edge["q"], "causal: a query reads no later key"

