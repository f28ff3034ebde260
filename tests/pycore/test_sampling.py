"""Tests for pycore.sampling: greedy, temperature, top-k, top-p and sampling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycore.sampling import (
    apply_repetition_penalty,
    apply_temperature,
    as_generator,
    check_sampling_settings,
    greedy,
    sample,
    sample_from_probs,
    sampling_probs,
    top_k_filter,
    top_p_filter,
)
from pycore.softmax import softmax

NEG_INF = -np.inf


def test_greedy_picks_argmax_per_row():
    logits = np.array([[0.1, 2.0, -1.0], [3.0, 3.0, NEG_INF]])
    np.testing.assert_array_equal(greedy(logits), [1, 0], err_msg="greedy ids")
    assert greedy(logits).dtype == np.int64
    assert greedy(np.array([1.0, 5.0])).shape == ()


def test_greedy_bad_inputs():
    with pytest.raises(ValueError, match="expected"):
        greedy(np.float64(1.0))
    with pytest.raises(ValueError, match="NaN"):
        greedy([0.0, np.nan])
    with pytest.raises(ValueError, match="entirely -inf"):
        greedy([NEG_INF, NEG_INF])


def test_temperature_divides_and_keeps_dtype():
    logits = np.array([1.0, 2.0, 4.0], dtype=np.float32)
    out = apply_temperature(logits, 2.0)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [0.5, 1.0, 2.0], rtol=0, atol=0, err_msg="logits / tau")
    # Lower temperature concentrates probability on the top token.
    p_cold = softmax(apply_temperature(logits, 0.5))
    p_hot = softmax(apply_temperature(logits, 5.0))
    assert p_cold[2] > softmax(logits)[2] > p_hot[2]


@pytest.mark.parametrize("tau", [0.0, -1.0, float("inf"), float("nan")])
def test_temperature_rejects_non_positive(tau):
    with pytest.raises(ValueError, match="temperature"):
        apply_temperature([1.0, 2.0], tau)


def test_repetition_penalty_lowers_seen_tokens():
    logits = np.array([[2.0, -1.0, 0.5, 3.0], [1.0, 1.0, 1.0, 1.0]])
    out = apply_repetition_penalty(logits, np.array([[0, 1, 1], [3, 3, 3]]), 2.0)
    expected = np.array([[1.0, -2.0, 0.5, 3.0], [1.0, 1.0, 1.0, 0.5]])
    np.testing.assert_array_equal(out, expected, err_msg="penalised logits")
    np.testing.assert_array_equal(apply_repetition_penalty(logits, np.zeros((2, 0), int), 2.0),
                                  logits, err_msg="nothing seen, nothing changes")
    with pytest.raises(ValueError, match="leading"):
        apply_repetition_penalty(logits, np.array([0, 1]), 2.0)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        apply_repetition_penalty(logits, np.array([[4], [0]]), 2.0)
    with pytest.raises(ValueError, match="penalty"):
        apply_repetition_penalty(logits, np.array([[0], [0]]), 0.0)
    with pytest.raises(TypeError, match="integer"):
        apply_repetition_penalty(logits, np.array([[0.0], [1.0]]), 1.2)


def test_top_k_keeps_k_largest():
    logits = np.array([[0.5, 3.0, 1.0, 2.0], [4.0, 1.0, 1.0, 1.0]])
    out = top_k_filter(logits, 2)
    expected = np.array([[NEG_INF, 3.0, NEG_INF, 2.0], [4.0, 1.0, NEG_INF, NEG_INF]])
    np.testing.assert_array_equal(out, expected, err_msg="top-2 logits (ties: lower id kept)")
    np.testing.assert_array_equal(top_k_filter(logits, 10), logits, err_msg="k > V keeps all")


@pytest.mark.parametrize("k, err", [(0, ValueError), (-2, ValueError), (1.5, TypeError),
                                    (True, TypeError)])
def test_top_k_bad_k(k, err):
    with pytest.raises(err, match="k must be"):
        top_k_filter([1.0, 2.0], k)


def test_top_p_worked_example():
    probs = np.array([0.1, 0.5, 0.1, 0.3])
    logits = np.log(probs)
    kept = np.isfinite(top_p_filter(logits, 0.8))
    np.testing.assert_array_equal(kept, [False, True, False, True], err_msg="p = 0.8 nucleus")
    kept = np.isfinite(top_p_filter(logits, 0.81))
    np.testing.assert_array_equal(kept, [True, True, False, True], err_msg="p = 0.81 (tie->id)")
    kept = np.isfinite(top_p_filter(logits, 1e-9))
    np.testing.assert_array_equal(kept, [False, True, False, False], err_msg="top token kept")
    assert np.all(np.isfinite(top_p_filter(logits, 1.0)))


@pytest.mark.parametrize("p", [0.0, -0.1, 1.5, float("nan")])
def test_top_p_bad_p(p):
    with pytest.raises(ValueError, match="p must be in"):
        top_p_filter([1.0, 2.0], p)


def test_top_p_bad_type():
    with pytest.raises(TypeError, match="p must be a real number"):
        top_p_filter([1.0, 2.0], "0.5")


@settings(max_examples=200, deadline=None)
@given(
    logits=st.lists(st.floats(-8, 8), min_size=1, max_size=12),
    p=st.floats(0.01, 1.0),
)
def test_top_p_keeps_the_smallest_set_reaching_p(logits, p):
    logits = np.array(logits)
    probs = softmax(logits)
    kept = np.isfinite(top_p_filter(logits, p))
    assert kept[np.argmax(probs)], "the most likely token must be kept"
    kept_mass = probs[kept].sum()
    assert kept_mass >= p - 1e-9, f"kept mass {kept_mass} below p={p}"
    # Minimal: dropping the least likely kept token falls below p ...
    smallest_kept = probs[kept].min()
    if kept.sum() > 1:
        assert kept_mass - smallest_kept < p + 1e-9, "a smaller set would also reach p"
    # ... and it is a set of top tokens: nothing removed is more likely than something kept.
    if (~kept).any():
        assert probs[~kept].max() <= smallest_kept + 1e-15


def test_filters_keep_float32_and_batch_shape():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 3, 7)).astype(np.float32)
    for out in (top_k_filter(logits, 3), top_p_filter(logits, 0.5)):
        assert out.shape == (2, 3, 7) and out.dtype == np.float32
    assert np.all(np.isfinite(top_k_filter(logits, 3)).sum(-1) == 3)


def test_sampling_probs_composes_filters():
    logits = np.log(np.array([0.4, 0.3, 0.2, 0.1]))
    probs = sampling_probs(logits, top_k=3, top_p=0.6)
    # top-3 renormalised: 4/9, 3/9, 2/9; nucleus 0.6 keeps the first two.
    np.testing.assert_allclose(probs, [4 / 7, 3 / 7, 0, 0], rtol=1e-12, atol=1e-15,
                               err_msg="probs after top-k then top-p")
    probs = sampling_probs(logits, temperature=0.5)
    np.testing.assert_allclose(probs, softmax(2 * logits), rtol=1e-12, err_msg="tau = 0.5")


def test_sample_matches_probabilities_chi_square():
    logits = np.log(np.array([0.5, 0.25, 0.15, 0.1]))
    rng = np.random.default_rng(123)
    n = 20000
    ids = sample(np.broadcast_to(logits, (n, 4)), rng=rng)
    counts = np.bincount(ids, minlength=4)
    expected = n * softmax(logits)
    chi2 = np.sum((counts - expected) ** 2 / expected)
    assert chi2 < 16.27, f"chi-square {chi2:.2f} exceeds the 0.999 quantile for 3 dof"


def test_sample_never_picks_filtered_tokens_and_is_reproducible():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(500, 9))
    ids = sample(logits, top_k=2, rng=1)
    top2 = np.argsort(-logits, axis=-1)[:, :2]
    assert np.all((ids == top2[:, 0]) | (ids == top2[:, 1]))
    np.testing.assert_array_equal(ids, sample(logits, top_k=2, rng=1), err_msg="same seed")


def test_sample_from_probs_ignores_zero_probability():
    probs = np.array([0.0, 1.0, 0.0])
    ids = sample_from_probs(np.broadcast_to(probs, (1000, 3)), rng=0)
    assert np.all(ids == 1)


def test_sample_bad_inputs():
    with pytest.raises(TypeError, match="rng must be"):
        sample([1.0, 2.0], rng=None)
    with pytest.raises(TypeError, match="rng must be"):
        as_generator(1.5)
    with pytest.raises(ValueError, match="temperature"):
        sample([1.0, 2.0], temperature=0, rng=0)
    with pytest.raises(ValueError, match="k must be"):
        sample([1.0, 2.0], top_k=0, rng=0)
    with pytest.raises(ValueError, match="p must be"):
        sample([1.0, 2.0], top_p=1.2, rng=0)
    with pytest.raises(TypeError):
        sample([1.0, 2.0])  # rng is required


def test_sampling_probs_and_settings_bad_inputs():
    with pytest.raises(ValueError, match="temperature"):
        sampling_probs([1.0, 2.0], temperature=-1.0)
    with pytest.raises(ValueError, match="k must be"):
        sampling_probs([1.0, 2.0], top_k=-3)
    with pytest.raises(ValueError, match="entirely -inf"):
        sampling_probs([NEG_INF, NEG_INF])
    with pytest.raises(ValueError, match="p must be in"):
        check_sampling_settings(1.0, None, 0.0)
    assert check_sampling_settings(2, 3, 1) == (2.0, 3, 1.0)


def test_sample_from_probs_bad_inputs():
    with pytest.raises(ValueError, match="negative"):
        sample_from_probs([0.5, -0.1], rng=0)
    with pytest.raises(ValueError, match="zero total"):
        sample_from_probs([0.0, 0.0], rng=0)
    with pytest.raises(ValueError, match="expected"):
        sample_from_probs(np.zeros((2, 0)), rng=0)
