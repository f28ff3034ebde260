"""demos/07/ln_training.py and the data it draws: pycore/data/ln_ablation.json must be what
models/train_ln_ablation.py writes, and the runs must say what chapter 07 says they say."""
import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "pycore" / "data" / "ln_ablation.json"


def script():
    from models import train_ln_ablation

    return train_ln_ablation


def test_the_data_is_the_script_s_output():
    module, data = script(), json.loads(DATA.read_text(encoding="utf-8"))
    assert data["settings"] == module.SETTINGS, "regenerate: python models/train_ln_ablation.py"
    assert set(data["runs"]) == set(module.RUNS)
    P = module.markov_chain(data["settings"]["vocab_size"], data["settings"]["seed"])
    assert data["entropy_rate"] == pytest.approx(module.entropy_rate(P), rel=1e-12)
    assert data["unigram"] == pytest.approx(module.unigram_entropy(P), rel=1e-12)
    assert data["entropy_rate"] < data["unigram"] < data["uniform"] == pytest.approx(np.log(16))
    for name in ("pre", "post"):  # rerun two of the five (about ten seconds each)
        again = module.run(name)
        assert_allclose(again["losses"], data["runs"][name]["losses"], rtol=1e-7,
                        err_msg=f"run {name} differs from the shipped file")


def test_the_wiring_differs_only_where_it_should():
    module = script()
    config = module.pc.TransformerConfig(vocab_size=16, d_model=16, n_heads=2, n_layers=2,
                                         d_ff=64, max_len=16)
    params = module.init(config, 0)
    ids = np.arange(16).reshape(1, 16) % 16
    # pre-LN with pycore's own decoder (learned positions, tied output) gives the same logits.
    model = module.pc.DecoderLM(config, params=params)
    assert_allclose(module.forward(params, config, ids, "pre")[0], model.forward(ids),
                    rtol=1e-10, atol=1e-12)
    # post-LN has no final norm: its last sublayer already ends in one.
    post_params = {key: value for key, value in params.items() if key != "final_norm"}
    post = module.pc.DecoderLM(config.replace(norm_position="post"), params=post_params)
    assert_allclose(module.forward(params, config, ids, "post")[0], post.forward(ids),
                    rtol=1e-10, atol=1e-12)
    # The hand-wired backward matches pycore's for both wirings.
    targets = (ids + 1) % 16
    for wiring, reference in (("pre", model), ("post", post)):
        logits, cache = module.forward(params, config, ids, wiring)
        _, loss_cache = module.pc.cross_entropy_forward(logits, targets)
        grads = module.backward(params, config,
                                module.pc.cross_entropy_backward(1.0, loss_cache), cache, wiring)
        _, expected = module.pc.loss_and_grads(reference, ids, targets)
        for key, value in module.pc.flatten_params(expected).items():
            assert_allclose(module.pc.flatten_params(grads)[key], value, rtol=1e-7, atol=1e-10,
                            err_msg=f"{wiring}: gradient of {key}")


def test_default_run(cpython_run):
    outcome = cpython_run("07/ln_training")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for name, run in data["runs"].items():
        assert r["final"][name] == pytest.approx(np.mean(run["losses"][-10:]), rel=1e-12)
    final = r["final"]
    # Pre-LN learns most of what there is to learn, with or without warm-up ...
    assert r["learned"]["pre"] > 0.6 and r["learned"]["pre_warmup"] > 0.6
    # ... while post-LN, with or without warm-up, and the stack without residual connections
    # get no further than the symbols' frequencies (within 0.1 nat of the unigram entropy).
    for name in ("post", "post_warmup", "no_residual"):
        assert final[name] > final["pre"] + 0.8
        assert abs(final[name] - data["unigram"]) < 0.1
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "lines" and figure["usermeta"]["itt"]["caption"]
    rows = [row for row in figure["layer"][0]["data"]["values"] if row["series"] == "pre-LN"]
    losses = data["runs"]["pre"]["losses"]
    assert rows[0]["y"] == pytest.approx(losses[0])
    assert rows[-1]["y"] == pytest.approx(np.mean(losses[-10:]))  # window 10 at the end


def test_window_one_draws_the_raw_losses(run_with):
    r = run_with("07/ln_training", window=1)
    assert r["final"]["pre"] < r["final"]["post"]
