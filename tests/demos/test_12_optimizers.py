"""demos/12/optimizers.py: SGD's curve reproduced by an independent loop; AdamW ends lower;
the text is the book's prose, from the corpus's training part."""
import pathlib

import numpy as np
from numpy.testing import assert_allclose

import pycore as pc

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _text():
    source = (ROOT / "demos/12/optimizers.py").read_text(encoding="utf-8")
    start = source.index("TEXT = (")
    namespace = {}
    exec(source[start:source.index("\n)\n", start) + 3], namespace)
    return namespace["TEXT"]


def test_text_is_training_prose():
    corpus = (ROOT / "models/corpus.txt").read_text(encoding="utf-8")
    text = _text()
    assert len(text) == 480
    at = corpus.find(text)
    assert 0 <= at and at + len(text) <= int(len(corpus) * 0.9)


def test_sgd_matches_a_plain_loop(run_with):
    steps, lr = 10, 0.3
    result = run_with("12/optimizers", steps=steps, sgd_lr=lr)
    _, tok = pc.load_pretrained("lm_tiny")
    data = np.array(tok.encode(_text()))  # (N,)
    config = pc.TransformerConfig(vocab_size=tok.vocab_size, d_model=32, n_heads=2, n_layers=1,
                                  d_ff=64, max_len=16)
    params = pc.init_params(config, 0)
    rng = np.random.default_rng(0)
    loss = None
    for _ in range(steps):
        starts = rng.integers(0, data.size - 16, size=8)
        ids = data[starts[:, None] + np.arange(16)]  # (B, T)
        targets = data[starts[:, None] + np.arange(16) + 1]  # (B, T)
        loss, grads = pc.loss_and_grads(params, ids, targets, config=config)
        flat_grads = pc.flatten_params(grads)
        params = pc.unflatten_params(
            {name: p - lr * flat_grads[name] for name, p in pc.flatten_params(params).items()},
            params)
    assert_allclose(result["sgd_final"], loss, rtol=1e-9, err_msg="sgd_final")
    assert result["steps"] == steps


def test_adamw_beats_sgd_at_defaults(run_with):
    result = run_with("12/optimizers")
    assert result["adamw_final"] < result["sgd_final"] < result["first_loss"], result


def test_figure_holds_both_loss_curves(cpython_run):
    outcome = cpython_run("12/optimizers")
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "lines" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    sgd = [row for row in rows if row["series"] == "SGD"]
    adamw = [row for row in rows if row["series"] == "AdamW"]
    assert [row["x"] for row in sgd] == list(range(1, result["steps"] + 1))
    assert sgd[0]["y"] == result["first_loss"] == adamw[0]["y"], "same start, same batch"
    assert sgd[-1]["y"] == result["sgd_final"] and adamw[-1]["y"] == result["adamw_final"]
