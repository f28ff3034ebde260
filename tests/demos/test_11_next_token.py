"""demos/11/next_token.py: the distributions against a direct temperature/top-k/top-p."""
import numpy as np
from numpy.testing import assert_allclose

import pycore as pc


def _filtered(logits, tau, k, p):
    z = np.asarray(logits, dtype=np.float64) / tau
    probs = np.exp(z - z.max())
    probs /= probs.sum()
    order = sorted(range(len(z)), key=lambda i: (-probs[i], i))
    keep = set(order[:k]) if k else set(order)
    if k:  # top-p then measures mass within the top-k survivors, renormalised
        probs = np.array([probs[i] if i in keep else 0.0 for i in range(len(z))])
        probs /= probs.sum()
    if p < 1.0:
        mass, nucleus = 0.0, set()
        for i in order:
            if i in keep:
                nucleus.add(i)
                mass += probs[i]
                if mass >= p - 1e-12:
                    break
        keep = nucleus
    out = np.array([probs[i] if i in keep else 0.0 for i in range(len(z))])
    return out / out.sum()


def test_before_is_the_models_softmax(run_with):
    result = run_with("11/next_token")
    model, tok = pc.load_pretrained("lm_tiny")
    logits = model.forward(np.array([tok.encode(result["prompt"])]))[0, -1]
    z = logits.astype(np.float64)
    e = np.exp(z - z.max())
    assert_allclose(result["before"], e / e.sum(), rtol=1e-9, err_msg="before")
    assert result["top_ids"][0] == int(np.argmax(z))
    assert_allclose(result["top_prob"], np.max(e / e.sum()), rtol=1e-9, err_msg="top_prob")


def test_after_matches_direct_filtering_for_several_settings(run_with):
    for controls in ({}, {"temperature": 0.5, "top_p": 1.0}, {"top_k": 5, "top_p": 1.0},
                     {"temperature": 1.5, "top_k": 10, "top_p": 0.6},
                     {"prompt": "Each head ", "top_p": 0.3}, {"prompt": "the atten"}):
        result = run_with("11/next_token", **controls)
        expected = _filtered(result["logits"], result["temperature"], result["top_k"],
                             result["top_p"])
        assert_allclose(result["after"], expected, rtol=1e-9, atol=1e-15,
                        err_msg=f"after, {controls}")
        assert result["kept"] == int(np.count_nonzero(expected)), controls
        nz = expected[expected > 0]
        assert_allclose(result["entropy_after"], -np.sum(nz * np.log(nz)), rtol=1e-9,
                        err_msg=f"entropy_after, {controls}")


def test_figure_shows_the_top_characters_before_and_after(cpython_run):
    outcome = cpython_run("11/next_token")
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "bars" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    top = result["top_ids"]
    assert len(top) == 15
    for group, key in (("model", "before"), ("reshaped", "after")):
        shown = [row["value"] for row in rows if row["group"] == group]
        assert shown == [result[key][i] for i in top], group
    assert rows[0]["category"] == result["top_char"]


def test_parameter_count_is_the_shipped_models(run_with):
    result = run_with("11/next_token")
    model, _ = pc.load_pretrained("lm_tiny")
    flat = pc.flatten_params(model.params)
    assert result["n_params"] == sum(w.size for w in flat.values()) == 107072
