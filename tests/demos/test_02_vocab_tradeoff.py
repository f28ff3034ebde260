"""demos/02/vocab_tradeoff.py: tokens per character fall as V grows; prefix-of-merges claim."""
from pathlib import Path

import numpy as np

import pycore as pc

DEMO = Path(__file__).resolve().parents[2] / "demos" / "02" / "vocab_tradeoff.py"


def _texts():
    """The demo's two texts, read from its own namespace (not restated here)."""
    namespace = {}
    source = DEMO.read_text(encoding="utf-8")
    start, end = source.index("train_text ="), source.index("tok = pc.BPETokenizer()")
    exec(source[start:end], namespace)
    return namespace["train_text"], namespace["held_out_text"]


def test_curve_against_separately_trained_tokenizers(run_with):
    train_text, held_out_text = _texts()
    result = run_with("02/vocab_tradeoff", max_vocab=330)
    assert result["vocab_size"] == 330
    for key, text in (("train_per_char", train_text), ("held_per_char", held_out_text)):
        curve = np.array(result[key])
        assert len(curve) == 330 - 256 + 1
        assert curve[0] == len(text.encode("utf-8")) / len(text), f"{key}: bytes only"
        assert np.all(np.diff(curve) <= 0), f"{key}: a merge never lengthens a text"
        for V in (300, 330):  # independent: train a tokenizer with exactly V tokens
            tok = pc.BPETokenizer().train(train_text, vocab_size=V)
            assert curve[V - 256] == len(tok.encode(text)) / len(text), f"{key}, V={V}"


def test_default_generalises_worse_than_training_text(run_with):
    result = run_with("02/vocab_tradeoff")
    assert result["held_final"] > result["train_final"]
    assert result["embedding_params"] == result["vocab_size"] * 64


def test_figure_plots_both_curves_and_the_embedding_size(cpython_run):
    outcome = cpython_run("02/vocab_tradeoff")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "panels" and figure["usermeta"]["itt"]["caption"]
    lengths, params = figure["concat"]
    rows = lengths["layer"][0]["data"]["values"]
    V = np.arange(256, result["vocab_size"] + 1)
    for series, key in (("training text", "train_per_char"), ("held-out text", "held_per_char")):
        points = [row for row in rows if row["series"] == series]
        assert [row["x"] for row in points] == V.tolist(), series
        np.testing.assert_allclose([row["y"] for row in points], result[key], rtol=1e-12,
                                   err_msg=series)
    np.testing.assert_array_equal([row["y"] for row in params["layer"][0]["data"]["values"]],
                                  V * 64, err_msg="embedding parameters V x d_model")
