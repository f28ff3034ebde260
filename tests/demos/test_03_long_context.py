"""demos/03/long_context.py: lm_tiny's loss by position past its training length, recomputed
with model.forward on a RoPE config whose max_len is widened (the weights do not change)."""
import dataclasses
import sys
from pathlib import Path

import numpy as np

import pycore as pc

ROOT = Path(__file__).resolve().parents[2]


def _held_out_text():
    """The validation split that models/train_lm.py holds out of training."""
    sys.path.insert(0, str(ROOT / "models"))
    try:
        import train_lm
    finally:
        sys.path.pop(0)
    corpus = (ROOT / "models" / "corpus.txt").read_text(encoding="utf-8")
    return train_lm.split(corpus)[1]


def test_the_demo_text_is_the_start_of_the_held_out_split(cpython_run):
    namespace = {}
    source = (ROOT / "demos" / "03" / "long_context.py").read_text(encoding="utf-8")
    literal = source.split("HELD_OUT = ", 1)[1].split("\n)\n", 1)[0] + "\n)"
    exec("text = " + literal, namespace)
    result = cpython_run("03/long_context")["result"]
    assert namespace["text"] == _held_out_text()[:result["n_windows"] * result["T"] + 1]


def test_loss_by_position_equals_the_models_own_forward(cpython_run):
    result = cpython_run("03/long_context")["result"]
    model, tokenizer = pc.load_pretrained("lm_tiny")
    T, n = result["T"], result["n_windows"]
    assert result["T_train"] == model.config.max_len == 64 and T == 4 * 64
    wide = pc.DecoderLM(dataclasses.replace(model.config, max_len=T), model.params)
    ids = np.array(tokenizer.encode(_held_out_text()[:n * T + 1]))
    logits = wide.forward(ids[:-1].reshape(n, T)).astype(np.float64)  # (n, T, V)
    logits -= logits.max(axis=-1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    loss = -np.take_along_axis(log_probs, ids[1:].reshape(n, T)[..., None], axis=-1)[..., 0]
    by_block = loss.mean(axis=0).reshape(4, 64).mean(axis=1)
    # The reference runs the float32 weights, the demo a float64 copy.
    np.testing.assert_allclose(result["by_block"], by_block, atol=1e-4)
    np.testing.assert_allclose(result["uniform"], np.log(model.config.vocab_size), rtol=1e-12)


def test_loss_climbs_past_the_training_length(cpython_run):
    result = cpython_run("03/long_context")["result"]
    blocks = result["by_block"]
    assert all(a < b for a, b in zip(blocks, blocks[1:])), blocks
    assert blocks[0] < 1.5 and blocks[-1] > 3.5, blocks
    assert blocks[-1] < result["uniform"]


def test_interpolation_without_fine_tuning_hurts_inside_the_trained_range(run_with):
    plain = run_with("03/long_context", scheme="as trained")
    squeezed = run_with("03/long_context", scheme="interpolated")
    assert squeezed["scheme"] == "interpolated"
    assert squeezed["by_block"][0] > plain["by_block"][0] + 1.0
    assert squeezed["by_block"][-1] < plain["by_block"][-1]


def test_figure_draws_the_16_position_means(cpython_run):
    outcome = cpython_run("03/long_context")
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "lines"
    by_16 = np.array(outcome["result"]["by_16"])
    np.testing.assert_allclose(by_16.reshape(4, 4).mean(axis=1), outcome["result"]["by_block"],
                               rtol=1e-12)
