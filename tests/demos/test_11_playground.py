"""demos/11/playground.py: generated text against a step-by-step recomputation."""
import numpy as np
from numpy.testing import assert_allclose

import pycore as pc


def _log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _score(model, ids, n_prompt):
    """Sum of log p(ids[t] | ids[:t]) for t >= n_prompt, from one uncached forward pass."""
    logp = _log_softmax(model.forward(np.asarray(ids)[None])[0])  # (T, V)
    return float(sum(logp[t - 1, ids[t]] for t in range(n_prompt, len(ids))))


def test_greedy_takes_the_argmax_at_every_step(run_with):
    result = run_with("11/playground", strategy="greedy")
    model, tok = pc.load_pretrained("lm_tiny")
    ids = list(result["ids"])
    n_prompt = len(tok.encode(result["prompt"]))
    assert len(ids) == n_prompt + result["n_new"]
    logits = model.forward(np.array([ids]))[0]  # (T, V): row t predicts token t + 1
    for t in range(n_prompt, len(ids)):
        assert ids[t] == int(np.argmax(logits[t - 1])), f"step {t}"
    assert_allclose(result["log_prob"], _score(model, ids, n_prompt), rtol=1e-6,
                    err_msg="greedy log_prob")
    assert result["text"] == tok.decode(ids)


def test_sampling_is_seeded_scored_and_respects_top_k(run_with):
    a = run_with("11/playground", strategy="sample", temperature=1.2, top_p=0.9)
    b = run_with("11/playground", strategy="sample", temperature=1.2, top_p=0.9)
    np.testing.assert_array_equal(a["ids"], b["ids"], err_msg="fixed seed, same text")
    model, tok = pc.load_pretrained("lm_tiny")
    n_prompt = len(tok.encode(a["prompt"]))
    assert_allclose(a["log_prob"], _score(model, list(a["ids"]), n_prompt), rtol=1e-6,
                    err_msg="sampled log_prob")
    one = run_with("11/playground", strategy="sample", top_k=1, prompt="A token")
    greedy = run_with("11/playground", strategy="greedy", prompt="A token")
    np.testing.assert_array_equal(one["ids"], greedy["ids"], err_msg="top-k = 1 is greedy")


def test_beam_scores_at_least_as_well_as_its_own_sum(run_with):
    result = run_with("11/playground", strategy="beam", beam_width=2)
    model, tok = pc.load_pretrained("lm_tiny")
    n_prompt = len(tok.encode(result["prompt"]))
    assert_allclose(result["log_prob"], _score(model, list(result["ids"]), n_prompt),
                    rtol=1e-6, err_msg="beam log_prob")
    assert_allclose(result["log_prob_per_token"], result["log_prob"] / result["n_new"],
                    rtol=1e-12, err_msg="per-token log_prob")
