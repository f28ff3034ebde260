"""Tests for pycore.speculative: the output distribution is exactly the target's.

Three levels of evidence: (1) the one-position output distribution computed analytically
from the library's own acceptance rule equals p to 1e-12; (2) Monte Carlo chi-square tests
with fixed seeds, on ``verify_drafts`` and on whole ``speculative_generate`` runs, against
the exact target distribution of multi-token continuations; (3) bookkeeping: caches,
statistics and the real ``pycore.DecoderLM``.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pycore as pc
from pycore.sampling import sample_from_probs, sampling_probs
from pycore.softmax import softmax
from pycore.speculative import (
    acceptance_probability,
    residual_distribution,
    speculative_generate,
    verify_drafts,
)


def chi2_critical_999(dof):
    """0.999 quantile of chi-square(dof), Wilson-Hilferty approximation (good to ~1%)."""
    z = 3.090232  # standard normal 0.999 quantile
    return dof * (1 - 2 / (9 * dof) + z * np.sqrt(2 / (9 * dof))) ** 3


def chi2_statistic(counts, probs):
    expected = counts.sum() * probs
    used = expected > 0
    assert np.all(counts[~used] == 0), "a token of target probability 0 was produced"
    return float(np.sum((counts[used] - expected[used]) ** 2 / expected[used])), int(used.sum() - 1)


class FakeCache:
    def __init__(self, batch_size):
        self.ids = np.zeros((batch_size, 0), dtype=np.int64)

    @property
    def length(self):
        return self.ids.shape[1]

    def truncate(self, length):
        self.ids = self.ids[:, :length]


class FakeLM:
    """A cheap causal model with the DecoderLM interface: logits depend on the last two ids
    and the position, so exact continuation probabilities are easy to enumerate."""

    def __init__(self, V=3, max_len=16, seed=0, sharpness=1.5):
        rng = np.random.default_rng(seed)
        self.config = SimpleNamespace(vocab_size=V, max_len=max_len)
        self.A = sharpness * rng.normal(size=(V, V))
        self.B = rng.normal(size=(V, V))
        self.C = 0.5 * rng.normal(size=(max_len, V))
        self.calls = 0

    def _logits(self, ids):  # (B, T) -> (B, T, V)
        T = ids.shape[1]
        out = self.A[ids] + self.C[:T]
        out[:, 1:] += self.B[ids[:, :-1]]
        return out

    def forward(self, ids, cache=None):
        self.calls += 1
        ids = np.asarray(ids)
        if cache is None:
            return self._logits(ids)
        cache.ids = np.concatenate([cache.ids, ids], axis=1)
        return self._logits(cache.ids)[:, -ids.shape[1]:]

    def new_cache(self, batch_size=1):
        return FakeCache(batch_size)


def exact_continuation_probs(model, prompt, n_new, **settings_):
    """p(y_1..y_n | prompt) for every continuation, by enumeration; keyed by tuple."""
    V = model.config.vocab_size
    out = {}
    for cont in itertools.product(range(V), repeat=n_new):
        seq = np.array(list(prompt) + list(cont))
        probs = sampling_probs(model.forward(seq[None])[0], **settings_)  # (T, V)
        p = 1.0
        for i, y in enumerate(cont):
            p *= probs[len(prompt) - 1 + i, y]
        out[cont] = p
    return out


# ------------------------------------------------------------ exact, analytic
def one_position_output_distribution(p, q):
    """P(output token = y) for one verification: draft x ~ q, accept w.p. a(x), else residual."""
    out = np.zeros_like(p)
    residual = residual_distribution(p, q)
    for x in range(len(q)):
        if q[x] == 0:
            continue  # the draft never proposes x
        a = acceptance_probability(p, q, x)
        out[x] += q[x] * a
        out += q[x] * (1 - a) * residual
    return out


def test_output_distribution_equals_target_exactly_worked_case():
    p = np.array([0.5, 0.3, 0.2, 0.0])
    q = np.array([0.1, 0.6, 0.0, 0.3])  # proposes a token the target forbids, misses one it wants
    np.testing.assert_allclose(one_position_output_distribution(p, q), p, rtol=0, atol=1e-12,
                               err_msg="speculative output distribution")
    # Acceptance of the whole step is sum_x min(p, q) = 0.1 + 0.3 = 0.4.
    accept = sum(q[x] * acceptance_probability(p, q, x) for x in range(4) if q[x] > 0)
    np.testing.assert_allclose(accept, 0.4, rtol=0, atol=1e-15, err_msg="acceptance rate")
    np.testing.assert_allclose(residual_distribution(p, q), [2 / 3, 0, 1 / 3, 0], rtol=1e-15,
                               err_msg="residual")


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 8).flatmap(lambda V: st.tuples(
    st.lists(st.floats(0, 1), min_size=V, max_size=V),
    st.lists(st.floats(0, 1), min_size=V, max_size=V))))
def test_output_distribution_equals_target_for_random_pairs(pq):
    p, q = (np.array(v) for v in pq)
    if p.sum() < 1e-3 or q.sum() < 1e-3:
        return
    p, q = p / p.sum(), q / q.sum()
    np.testing.assert_allclose(one_position_output_distribution(p, q), p, rtol=0, atol=1e-12,
                               err_msg="speculative output distribution")


def test_identical_models_accept_everything():
    p = softmax(np.array([0.3, -1.0, 2.0]))
    assert all(acceptance_probability(p, p, x) == 1.0 for x in range(3))
    n_acc, _ = verify_drafts(np.stack([p, p, p]), np.stack([p, p]), [2, 0], rng=0)
    assert n_acc == 2


# ------------------------------------------------------------ Monte Carlo
def test_verify_drafts_first_token_chi_square():
    rng = np.random.default_rng(7)
    V = 5
    p = softmax(rng.normal(size=V) * 1.5)
    q = softmax(rng.normal(size=V) * 1.5)
    p_next = softmax(rng.normal(size=V))
    n = 20000
    counts = np.zeros(V, dtype=np.int64)
    accepted = 0
    for _ in range(n):
        x = int(sample_from_probs(q, rng))
        n_acc, token = verify_drafts(np.stack([p, p_next]), q[None], [x], rng)
        counts[x if n_acc == 1 else token] += 1
        accepted += n_acc
    chi2, dof = chi2_statistic(counts, p)
    assert chi2 < chi2_critical_999(dof), f"chi-square {chi2:.1f} for {dof} dof"
    # Acceptance frequency matches sum_x min(p(x), q(x)) (4 standard errors).
    expected = np.minimum(p, q).sum()
    assert abs(accepted / n - expected) < 4 * np.sqrt(expected * (1 - expected) / n)


@pytest.mark.parametrize("n_draft, temperature, top_k", [(4, 1.0, None), (1, 0.7, 2)])
def test_speculative_generate_matches_target_joint_distribution(n_draft, temperature, top_k):
    target = FakeLM(V=3, seed=1)
    draft = FakeLM(V=3, seed=2)  # a different model: plenty of rejections
    prompt = [0, 2]
    n_new = 3
    settings_ = {"temperature": temperature, "top_k": top_k}
    exact = exact_continuation_probs(target, prompt, n_new, **settings_)
    keys = sorted(exact)
    probs = np.array([exact[k] for k in keys])
    rng = np.random.default_rng(11)
    counts = np.zeros(len(keys), dtype=np.int64)
    n_runs = 3000
    total_accepted = total_drafted = 0
    for _ in range(n_runs):
        ids, stats = speculative_generate(target, draft, prompt, n_new, n_draft=n_draft,
                                          seed=rng, **settings_)
        counts[keys.index(tuple(int(i) for i in ids[len(prompt):]))] += 1
        total_accepted += stats["accepted"]
        total_drafted += stats["drafted"]
    chi2, dof = chi2_statistic(counts, probs)
    assert chi2 < chi2_critical_999(dof), f"chi-square {chi2:.1f} for {dof} dof"
    assert 0 < total_accepted < total_drafted, "the test should exercise both paths"


def test_speculative_generate_with_decoder_lm_matches_target_distribution():
    cfg = pc.TransformerConfig(vocab_size=3, d_model=8, n_heads=2, n_layers=1, d_ff=16,
                               max_len=8)
    target = pc.DecoderLM(cfg, seed=0)
    draft = pc.DecoderLM(cfg, seed=1)
    for params in (target.params, draft.params):  # sharpen the random models' predictions
        params["tokens"] *= 4.0
    prompt = [1]
    exact = exact_continuation_probs(target, prompt, 2)
    keys = sorted(exact)
    rng = np.random.default_rng(5)
    counts = np.zeros(len(keys), dtype=np.int64)
    accepted = 0
    for _ in range(1000):
        ids, stats = speculative_generate(target, draft, prompt, 2, n_draft=2, seed=rng)
        counts[keys.index(tuple(int(i) for i in ids[1:]))] += 1
        accepted += stats["accepted"]
    chi2, dof = chi2_statistic(counts, np.array([exact[k] for k in keys]))
    assert chi2 < chi2_critical_999(dof), f"chi-square {chi2:.1f} for {dof} dof"
    assert 0 < accepted < 1000, "the test should exercise acceptance and rejection"


def test_cached_and_uncached_give_identical_tokens_and_stats():
    target = FakeLM(V=6, seed=3)
    draft = FakeLM(V=6, seed=4, sharpness=1.0)
    a, stats_a = speculative_generate(target, draft, [1], 12, n_draft=3, seed=5)
    b, stats_b = speculative_generate(target, draft, [1], 12, n_draft=3, seed=5, use_cache=False)
    np.testing.assert_array_equal(a, b, err_msg="cached vs uncached speculative tokens")
    assert stats_a == stats_b


def test_stats_bookkeeping():
    target = FakeLM(V=6, seed=3)
    draft = FakeLM(V=6, seed=4)
    ids, stats = speculative_generate(target, draft, [1, 2], 10, n_draft=3, seed=0)
    assert ids.shape == (12,) and ids.dtype == np.int64
    # Every round adds its accepted drafts plus exactly one target token.
    assert stats["accepted"] + stats["target_calls"] == 10
    assert sum(stats["accepted_per_round"]) == stats["accepted"]
    assert stats["tokens_per_target_call"] == 10 / stats["target_calls"]
    assert stats["acceptance_rate"] == stats["accepted"] / stats["drafted"]
    same, stats_same = speculative_generate(target, target, [1, 2], 10, n_draft=3, seed=0)
    assert stats_same["acceptance_rate"] == 1.0
    assert stats_same["target_calls"] == 3  # rounds of 3 + 1, 3 + 1, then 1 + 1 tokens
    _, stats_zero = speculative_generate(target, draft, [1], 0, seed=0)
    assert stats_zero["target_calls"] == 0


def test_with_real_decoder_models():
    cfg_target = pc.TransformerConfig(vocab_size=11, d_model=16, n_heads=2, n_layers=2, d_ff=32,
                                      max_len=32)
    cfg_draft = pc.TransformerConfig(vocab_size=11, d_model=8, n_heads=1, n_layers=1, d_ff=16,
                                     max_len=32)
    target = pc.DecoderLM(cfg_target, seed=0)
    draft = pc.DecoderLM(cfg_draft, seed=1)
    a, stats = speculative_generate(target, draft, [3, 1, 4], 12, n_draft=4, seed=2)
    b, _ = speculative_generate(target, draft, [3, 1, 4], 12, n_draft=4, seed=2, use_cache=False)
    np.testing.assert_array_equal(a, b, err_msg="cached vs uncached with DecoderLM")
    assert a.shape == (15,) and np.all((a >= 0) & (a < 11))
    assert stats["accepted"] + stats["target_calls"] == 12
    same, stats_same = speculative_generate(target, target, [3, 1, 4], 12, n_draft=4, seed=2)
    assert stats_same["acceptance_rate"] == 1.0


def test_bad_inputs():
    target = FakeLM(V=3)
    with pytest.raises(ValueError, match="share one vocabulary"):
        speculative_generate(target, FakeLM(V=4), [0], 2)
    with pytest.raises(ValueError, match="n_draft must be a positive"):
        speculative_generate(target, FakeLM(V=3), [0], 2, n_draft=0)
    with pytest.raises(ValueError, match="one prompt"):
        speculative_generate(target, FakeLM(V=3), [[0], [1]], 2)
    with pytest.raises(ValueError, match="temperature"):
        speculative_generate(target, FakeLM(V=3), [0], 2, temperature=0.0)
    with pytest.raises(ValueError, match="max_len"):
        speculative_generate(target, FakeLM(V=3), [0], 100)
    with pytest.raises(ValueError, match="positive draft probability"):
        acceptance_probability([0.5, 0.5], [1.0, 0.0], 1)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        acceptance_probability([0.5, 0.5], [0.5, 0.5], 2)
    with pytest.raises(ValueError, match="must match"):
        residual_distribution([0.5, 0.5], [1.0])
    with pytest.raises(ValueError, match="expected"):
        verify_drafts(np.ones((2, 3)) / 3, np.ones((2, 3)) / 3, [0], rng=0)
