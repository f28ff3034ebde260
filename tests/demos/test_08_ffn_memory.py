"""demos/08/ffn_memory.py: keys and values of lm_tiny's FFN neurons, recomputed by hand."""
from pathlib import Path

import numpy as np
import pytest

import pycore as pc

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demos" / "08" / "ffn_memory.py"


def demo_namespace(run_with, **controls):
    from demos.params import with_values
    source = with_values(DEMO.read_text(encoding="utf-8"), **controls)
    namespace = {"__name__": "__main__"}
    exec(compile(source, str(DEMO), "exec"), namespace)
    return namespace


def test_the_text_is_held_out(run_with):
    text = demo_namespace(run_with)["TEXT"]
    corpus = (ROOT / "models" / "corpus.txt").read_text(encoding="utf-8")
    cut = int(len(corpus) * 0.9)  # models/train_lm.py holds out the last 10 %
    assert text in corpus[cut:] and text not in corpus[:cut]


@pytest.mark.parametrize("block", [1, 2])
def test_keys_and_values_recomputed(block, run_with):
    ns = demo_namespace(run_with, block=block)
    r = ns["result"]
    model, tok = pc.load_pretrained("lm_tiny")
    params, T = model.params, model.config.max_len
    ids = np.array(tok.encode(ns["TEXT"]))
    n = len(ids) // T
    # The FFN's input, rebuilt block by block: the second LayerNorm of the residual stream.
    x, ecache = pc.decoder.embed_forward(ids[: n * T].reshape(n, T), params, model.config)
    for layer in params["layers"][:block - 1]:
        x, _ = pc.block_forward(x, layer, model.config, positions=ecache["positions"])
    layer = params["layers"][block - 1]
    h, _ = pc.block_forward(x, layer, model.config, positions=ecache["positions"])
    ffn = layer["ffn"]
    attn_out = pc.multi_head_attention(
        pc.layer_norm(x, layer["attn_norm"]["gamma"], layer["attn_norm"]["beta"]),
        layer["attn"], model.config.n_heads, causal=True, rope=True,
        positions=ecache["positions"])
    mid = x + attn_out  # (n, T, d_model): the stream between the two sublayers
    z = pc.layer_norm(mid, layer["ffn_norm"]["gamma"], layer["ffn_norm"]["beta"])
    hidden = pc.gelu(z @ ffn["W1"] + ffn["b1"]).reshape(n * T, -1)  # (N, d_ff)
    assert np.allclose(mid + pc.feed_forward(z, ffn), h, atol=1e-5), "rebuilt block"
    following = list(ids[1: n * T]) + [-1]
    agreements = []
    for i in range(hidden.shape[1]):
        value_logits = ffn["W2"][i] @ params["tokens"].T  # (V,)
        top3 = set(np.argsort(-value_logits)[:3].tolist())
        strongest = np.argsort(-hidden[:, i])[:8]
        agreements.append(np.mean([following[p] in top3 for p in strongest]))
    agreements = np.array(agreements)
    assert r["n_neurons"] == model.config.d_ff
    assert r["n_agreeing"] == int(np.sum(agreements >= 0.5))
    assert r["mean_agreement"] == pytest.approx(agreements.mean(), abs=1e-12)
    assert r["agreement"] == pytest.approx(sorted(agreements, reverse=True)[:len(r["chosen"])])
    for i, promotes in zip(r["chosen"], r["promotes"]):
        value_logits = ffn["W2"][i] @ params["tokens"].T
        assert promotes == [tok.decode([int(j)]) for j in np.argsort(-value_logits)[:3]]
    # The chosen neurons are far more consistent than a typical one.
    assert r["agreement"][0] >= 0.75 > 3 * r["mean_agreement"]


def test_default_figure(cpython_run):
    outcome = cpython_run("08/ffn_memory")
    assert outcome["error"] is None, outcome["error"]
    (table,) = outcome["figures"]
    assert table["usermeta"]["itt"]["kind"] == "table" and table["usermeta"]["itt"]["caption"]
    assert outcome["result"]["block"] == 2 and len(outcome["result"]["chosen"]) == 3
