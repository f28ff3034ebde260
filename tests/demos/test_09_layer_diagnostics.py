"""demos/09/layer_diagnostics.py: the stream read after each stage, checked against the model."""
from pathlib import Path

import numpy as np
import pytest

import pycore as pc

CORPUS = Path(__file__).resolve().parents[2] / "models" / "corpus.txt"
VAL_FRACTION = 0.1  # models/train_lm.py holds out the last 10 % of the corpus's characters


def held_out(text):
    corpus = CORPUS.read_text(encoding="utf-8")
    cut = int(len(corpus) * (1 - VAL_FRACTION))
    return text in corpus[cut:] and text not in corpus[:cut]


@pytest.mark.parametrize("text", ["The FFN is a small two-layer perceptron applied to every",
                                  "Attention moves information between tokens."])
def test_each_stage_read_as_the_last(text, run_with, cpython_run):
    assert held_out(text), "the demo's texts come from the held-out split"
    r = run_with("09/layer_diagnostics", text=text)
    model, tok = pc.load_pretrained("lm_tiny")
    ids = np.array([tok.encode(text)])  # (1, T)
    L = model.config.n_layers
    assert r["stages"] == ["embedding"] + [f"block {i + 1}" for i in range(L)]
    # The last stage is the model's own output: the same loss as a plain forward pass.
    full = pc.cross_entropy(model.forward(ids)[:, :-1], ids[:, 1:])
    assert r["losses"][-1] == pytest.approx(full, rel=1e-6)
    # The embedding alone, through the tied output matrix, mostly predicts the current
    # character again: worse than a uniform guess.
    copies = np.mean([a == b for a, b in zip(r["guesses"][0], text[:-1])])
    assert copies > 0.8
    assert r["losses"][0] > r["uniform"] == pytest.approx(np.log(model.config.vocab_size))
    # Each block lowers the loss, and the model beats the uniform guess.
    assert all(b < a for a, b in zip(r["losses"], r["losses"][1:]))
    assert r["losses"][-1] < r["uniform"] - 1.0
    assert r["accuracies"][-1] > r["accuracies"][1]
    assert all(len(g) == len(text) - 1 for g in r["guesses"])


def test_figures_show_the_result(cpython_run):
    outcome = cpython_run("09/layer_diagnostics")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    bars, table = outcome["figures"]
    assert bars["usermeta"]["itt"]["kind"] == "bars" and bars["usermeta"]["itt"]["caption"]
    rows = bars["layer"][0]["data"]["values"]
    assert [row["category"] for row in rows] == r["stages"]
    assert [row["value"] for row in rows] == pytest.approx(r["losses"], rel=1e-12)
    assert table["usermeta"]["itt"]["kind"] == "table"
