"""demos/08/param_counter.py: parameter counts against init_params and formulas written here."""
import numpy as np
import pytest

import pycore as pc


def test_default_is_gpt2_small(cpython_run):
    outcome = cpython_run("08/param_counter")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    d, L, V = 768, 12, 50257
    attn = 4 * d * d + 4 * d
    ffn = 2 * d * 4 * d + 4 * d + d  # W1, W2, b1, b2
    norms = 2 * 2 * d  # two LayerNorms (gamma, beta) per block
    assert r["block"] == attn + ffn + norms
    assert r["total"] == V * d + 1024 * d + L * r["block"] + 2 * d  # + final LayerNorm
    assert r["ffn_share_of_block"] == pytest.approx(ffn / (attn + ffn + norms), rel=1e-12)
    assert r["attention_share_of_block"] == pytest.approx(attn / (attn + ffn + norms), rel=1e-12)
    assert r["token_share_of_model"] == pytest.approx(V * d / r["total"], rel=1e-12)
    assert r["swiglu_4x_over_gelu"] == pytest.approx(3 * d * 4 * d / ffn, rel=1e-12)
    assert r["swiglu_sized_over_gelu"] == pytest.approx(3 * d * 2048 / ffn, rel=1e-12)
    (figure,) = outcome["figures"]  # the share of each part, as one stacked bar
    assert figure["usermeta"]["itt"]["kind"] == "bars" and figure["usermeta"]["itt"]["caption"]
    (bar_layer, *_) = figure["layer"][0]["layer"]
    assert bar_layer["encoding"]["y"]["stack"] == "zero", "the shares stack in one bar"
    rows = figure["layer"][0]["data"]["values"]
    assert {row["category"] for row in rows} == {"all parameters"}
    shown = {row["group"]: row["value"] for row in rows}
    assert "lm_head" not in shown, "tied embeddings: no lm_head bar"
    assert shown["FFN (all layers)"] == pytest.approx(L * ffn / r["total"], rel=1e-12)
    assert shown["token embedding"] == pytest.approx(V * d / r["total"], rel=1e-12)
    assert sum(shown.values()) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("values", [
    {"d_model": 128, "n_layers": 2, "activation": "swiglu", "tie_embeddings": False,
     "vocab_size": 256},
    {"d_model": 256, "n_layers": 3, "activation": "relu", "tie_embeddings": False,
     "vocab_size": 256},
    {"d_model": 128, "n_layers": 1, "activation": "swiglu", "swiglu_two_thirds": False,
     "vocab_size": 256},
])
def test_counts_equal_the_arrays_init_params_allocates(values, run_with):
    r = run_with("08/param_counter", **values)
    config = pc.TransformerConfig(
        vocab_size=values["vocab_size"], d_model=values["d_model"],
        n_heads=values["d_model"] // 64, n_layers=values["n_layers"], d_ff=r["d_ff"],
        max_len=1024, activation=values["activation"],
        tie_embeddings=values.get("tie_embeddings", True))
    params = pc.init_params(config, seed=0)
    allocated = sum(int(np.size(a)) for a in pc.flatten_params(params).values())
    assert r["total"] == allocated
    layer = params["layers"][0]
    ffn = sum(int(np.size(a)) for a in layer["ffn"].values())
    assert r["pieces"]["FFN (all layers)"] == values["n_layers"] * ffn
    if values["activation"] == "swiglu" and values.get("swiglu_two_thirds", True):
        assert r["d_ff"] % 8 == 0 and abs(r["d_ff"] - 8 * values["d_model"] / 3) < 8
    if not values.get("tie_embeddings", True):
        assert r["pieces"]["lm_head"] == values["d_model"] * values["vocab_size"]


def test_presets_are_the_published_shapes(cpython_run, run_with):
    r = cpython_run("08/param_counter")["result"]
    gpt3 = r["presets"]["gpt3-175b"]
    # Brown et al. (2020), table 2.1: 96 layers, d_model 12,288, d_ff = 4 d_model; pycore's
    # count (with biases and learned positions) rounds to the paper's 175 billion.
    assert gpt3["d_model"] == 12288 and gpt3["d_ff"] == 4 * 12288
    assert round(gpt3["total"] / 1e9) == 175
    assert 0.6 < gpt3["ffn_share_of_model"] < 0.7  # 2/3 of each block, embeddings negligible
    assert r["presets"]["llama3-70b"]["d_ff_over_d_model"] == pytest.approx(3.5)
    assert r["presets"]["gpt2-small"]["total"] == 124439808
    # SwiGLU at 8/3 d_model, rounded up to a multiple of 8, for d_model 768.
    assert r["eight_thirds_d_ff"] == 2048
    picked = run_with("08/param_counter", model="gpt3-175b")
    assert picked["d_model"] == 12288 and picked["n_layers"] == 96
    assert picked["total"] == gpt3["total"] == pc.count_parameters(
        pc.TransformerConfig.preset("gpt3-175b"))
