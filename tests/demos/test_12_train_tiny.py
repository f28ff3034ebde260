"""demos/12/train_tiny.py: real text with a held-out split; the first loss is the untrained
model's; training lowers both losses; the yardstick is lm_tiny on the same held-out text."""
import json
import pathlib

import numpy as np
from numpy.testing import assert_allclose

import pycore as pc

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _texts():
    sample = json.loads((ROOT / "pycore/data/prose_sample.json").read_text(encoding="utf-8"))
    return sample["train"], sample["validation"]


def test_shipped_prose_sample_is_what_its_script_writes():
    from models import prose_sample as script

    corpus = (ROOT / "models/corpus.txt").read_text(encoding="utf-8")
    shipped = json.loads((ROOT / "pycore/data/prose_sample.json").read_text(encoding="utf-8"))
    assert shipped == script.sample(corpus), "run python models/prose_sample.py"


def test_training_text_and_validation_text_are_the_corpus_split():
    pieces, validation = _texts()
    corpus = (ROOT / "models/corpus.txt").read_text(encoding="utf-8")
    cut = int(len(corpus) * 0.9)  # models/train_lm.py holds out the last 10 %
    assert len(pieces) == 10 and all(len(piece) == 320 for piece in pieces)
    for piece in pieces:
        at = corpus.find(piece)
        assert 0 <= at and at + len(piece) <= cut, "a training piece outside the first 90 %"
    assert len(validation) == 8 * 32 + 1
    assert corpus.find(validation) >= cut, "validation text outside the held-out 10 %"


def _numpy_cross_entropy(logits, targets):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-np.take_along_axis(log_probs, targets[..., None], axis=-1).mean())


def test_first_losses_are_the_untrained_models(run_with):
    result = run_with("12/train_tiny", steps=10)
    pieces, validation = _texts()
    _, tok = pc.load_pretrained("lm_tiny")
    data = np.array(tok.encode("".join(pieces)))
    V = tok.vocab_size
    config = pc.TransformerConfig(vocab_size=V, d_model=32, n_heads=2, n_layers=1, d_ff=64,
                                  max_len=32)
    rng = np.random.default_rng(0)
    starts = rng.integers(0, data.size - 32, size=8)  # as the loop's batch sampler draws
    ids = data[starts[:, None] + np.arange(32)]  # (B, T)
    targets = data[starts[:, None] + np.arange(32) + 1]  # (B, T)
    untrained = pc.DecoderLM(config, seed=0)
    assert_allclose(result["first_loss"], _numpy_cross_entropy(untrained(ids), targets),
                    rtol=1e-10, err_msg="first_loss")
    val = np.array(tok.encode(validation))
    assert_allclose(result["first_val"],
                    _numpy_cross_entropy(untrained(val[:-1].reshape(8, 32)),
                                         val[1:].reshape(8, 32)), rtol=1e-10)
    assert result["steps"] == 10 and result["vocab_size"] == V == 109
    assert_allclose(result["log_V"], np.log(V), rtol=1e-12, err_msg="log_V")


def test_default_run_learns_and_lm_tiny_is_the_yardstick(run_with):
    result = run_with("12/train_tiny")
    assert result["steps"] == 40 and result["checkpoints"] == list(range(0, 41, 10))
    # untrained: near log V; 40 steps: clearly below it on held-out text, yet far above
    # lm_tiny (the prose compares the three)
    assert abs(result["first_val"] - result["log_V"]) < 0.1
    assert result["last_val"] < result["log_V"] - 1.0, result["last_val"]
    model, tok = pc.load_pretrained("lm_tiny")
    _, validation = _texts()
    val = np.array(tok.encode(validation))
    assert_allclose(result["lm_tiny_val"],
                    _numpy_cross_entropy(model(val[:-1].reshape(8, 32)), val[1:].reshape(8, 32)),
                    rtol=1e-10)
    assert result["lm_tiny_val"] < result["last_val"] - 1.0


def test_figure_holds_both_curves_and_the_reference_lines(cpython_run):
    outcome = cpython_run("12/train_tiny")
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "lines" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    val = [row["y"] for row in rows if row["series"] == "validation (held out)"]
    assert val == result["val_curve"]
    assert {row["x"] for row in rows} == set(result["checkpoints"])


def test_prose_facts_about_lm_tiny_match_its_training_record():
    """Chapter 12 states lm_tiny's training run; models/lm_metrics.json and README record it."""
    import json

    metrics = json.loads((ROOT / "models/lm_metrics.json").read_text(encoding="utf-8"))
    readme = (ROOT / "models/README.md").read_text(encoding="utf-8")
    chapter = (ROOT / "docs/chapters/12-training.md").read_text(encoding="utf-8")
    assert metrics["lm_tiny"]["steps"] == 1200
    assert "batch 16 windows of 64" in readme and "last 10 %" in readme
    assert "1,200 AdamW steps of 16\nwindows of 64 characters" in chapter
