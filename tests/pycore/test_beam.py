"""Tests for pycore.beam: beam search against brute force, and sequence log-probabilities."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import pycore as pc
from pycore.beam import beam_search, sequence_log_prob
from pycore.generation import generate
from pycore.softmax import log_softmax


@pytest.fixture(scope="module")
def model():
    cfg = pc.TransformerConfig(vocab_size=5, d_model=16, n_heads=2, n_layers=2, d_ff=32,
                               max_len=16)
    return pc.DecoderLM(cfg, seed=3)


def test_sequence_log_prob_is_sum_of_step_log_probs(model):
    ids = np.array([1, 4, 0, 2, 3])
    expected = 0.0
    for t in range(2, 5):
        logits = model.forward(ids[None, :t])[0, -1]  # (V,) predicts ids[t]
        expected += log_softmax(logits)[ids[t]]
    np.testing.assert_allclose(sequence_log_prob(model, ids, 2), expected, rtol=1e-12,
                               atol=1e-12, err_msg="sequence log-prob")
    assert sequence_log_prob(model, ids, 5) == 0.0


def test_beam_width_one_is_greedy(model):
    [best] = beam_search(model, [1, 2], 1, 6)
    np.testing.assert_array_equal(best.ids, generate(model, [1, 2], 6, greedy=True),
                                  err_msg="beam width 1 vs greedy")
    np.testing.assert_allclose(best.log_prob, sequence_log_prob(model, best.ids, 2),
                               rtol=1e-12, atol=1e-12, err_msg="beam log-prob")


def test_wide_beam_finds_the_brute_force_best(model):
    prompt = [3]
    n_new = 3
    V = 5
    scored = sorted(((sequence_log_prob(model, prompt + list(c), 1), c)
                     for c in itertools.product(range(V), repeat=n_new)), reverse=True)
    # Width V^(n_new - 1) keeps every prefix, so the last step sees all V^n_new sequences.
    results = beam_search(model, prompt, V ** (n_new - 1), n_new)
    assert len(results) == V ** (n_new - 1)
    for rank, hyp in enumerate(results[:5]):
        assert tuple(hyp.ids[1:]) == scored[rank][1], f"rank {rank} sequence"
        np.testing.assert_allclose(hyp.log_prob, scored[rank][0], rtol=1e-12, atol=1e-12,
                                   err_msg=f"rank {rank} log-prob")
    assert all(a.score >= b.score for a, b in zip(results, results[1:]))
    greedy_ids = generate(model, prompt, n_new, greedy=True)
    assert results[0].log_prob >= sequence_log_prob(model, greedy_ids, 1) - 1e-12


def test_eos_and_length_penalty(model):
    eos = 0
    results = beam_search(model, [2, 1], 3, 6, eos_id=eos)
    assert 1 <= len(results) <= 3
    for hyp in results:
        new = hyp.ids[2:]
        assert eos not in new[:-1], "nothing is generated after eos"
        assert len(new) == 6 or new[-1] == eos
        np.testing.assert_allclose(hyp.log_prob, sequence_log_prob(model, hyp.ids, 2),
                                   rtol=1e-12, atol=1e-12, err_msg="hypothesis log-prob")
        assert hyp.score == hyp.log_prob
    penalised = beam_search(model, [2, 1], 3, 6, eos_id=eos, length_penalty=1.0)
    for hyp in penalised:
        np.testing.assert_allclose(hyp.score, hyp.log_prob / (len(hyp.ids) - 2), rtol=1e-15,
                                   err_msg="length-normalised score")


def test_zero_new_tokens(model):
    [hyp] = beam_search(model, [4], 2, 0)
    np.testing.assert_array_equal(hyp.ids, [4], err_msg="prompt only")
    assert hyp.log_prob == 0.0


def test_bad_inputs(model):
    with pytest.raises(ValueError, match="beam_width must be a positive"):
        beam_search(model, [1], 0, 3)
    with pytest.raises(TypeError, match="beam_width must be an integer"):
        beam_search(model, [1], 2.0, 3)
    with pytest.raises(ValueError, match="max_new_tokens"):
        beam_search(model, [1], 2, -1)
    with pytest.raises(ValueError, match="one prompt"):
        beam_search(model, [[1], [2]], 2, 3)
    with pytest.raises(ValueError, match="eos_id"):
        beam_search(model, [1], 2, 3, eos_id=5)
    with pytest.raises(ValueError, match="length_penalty"):
        beam_search(model, [1], 2, 3, length_penalty=float("nan"))
    with pytest.raises(ValueError, match="max_len"):
        beam_search(model, [1], 2, 16)
    with pytest.raises(ValueError, match="prompt_length"):
        sequence_log_prob(model, [1, 2], 3)
    with pytest.raises(ValueError, match="prompt_length"):
        sequence_log_prob(model, [1, 2], 0)
