"""Tests for pycore.diagnostics: entropy, residual norms, and checks that catch real bugs."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import pycore as pc
from pycore.diagnostics import (
    attention_entropy,
    check_attention_weights,
    check_cache,
    check_causal,
    check_shapes,
    debug_checklist,
    residual_norms,
)
from pycore.softmax import softmax


@pytest.fixture(scope="module")
def model():
    cfg = pc.TransformerConfig(vocab_size=10, d_model=16, n_heads=2, n_layers=2, d_ff=32,
                               max_len=12)
    return pc.DecoderLM(cfg, seed=0)


class _Cache:
    def __init__(self, batch_size):
        self.ids = np.zeros((batch_size, 0), dtype=np.int64)

    @property
    def length(self):
        return self.ids.shape[1]


class BrokenLM:
    """A causal running-mean model whose bugs can be switched on one at a time."""

    def __init__(self, leak_future=False, ignore_cache=False, wrong_shape=False):
        self.config = SimpleNamespace(vocab_size=6, max_len=10)
        self.E = np.random.default_rng(0).normal(size=(6, 6))
        self.leak_future = leak_future
        self.ignore_cache = ignore_cache
        self.wrong_shape = wrong_shape

    def _logits(self, ids):  # (B, T) -> (B, T, V)
        e = self.E[ids]  # (B, T, V)
        if self.leak_future:  # every position also sees the mean of the whole sequence
            return np.broadcast_to(e.mean(axis=1, keepdims=True), e.shape) + e
        return np.cumsum(e, axis=1) / np.arange(1, ids.shape[1] + 1)[:, None]

    def forward(self, ids, cache=None):
        ids = np.asarray(ids)
        if cache is None:
            out = self._logits(ids)
        else:
            cache.ids = np.concatenate([cache.ids, ids], axis=1)
            seen = ids if self.ignore_cache else cache.ids  # the bug: forget the past
            out = self._logits(seen)[:, -ids.shape[1]:]
        return out[..., :-1] if self.wrong_shape else out

    def new_cache(self, batch_size=1):
        return _Cache(batch_size)


# ------------------------------------------------------------------ entropy and norms
def test_attention_entropy_known_values():
    weights = np.array([[1.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.0, 0.0]])
    np.testing.assert_allclose(attention_entropy(weights), [0.0, np.log(4), np.log(2)],
                               rtol=1e-15, atol=1e-15, err_msg="entropy")
    w32 = weights.astype(np.float32)
    assert attention_entropy(w32).dtype == np.float32


def test_attention_entropy_of_causal_rows_is_bounded(rng):
    T = 6
    scores = rng.normal(size=(2, 3, T, T))
    weights = softmax(np.where(pc.causal_mask(T), scores, -np.inf))  # (B, h, T, T)
    H = attention_entropy(weights)  # (B, h, T)
    assert H.shape == (2, 3, T)
    assert np.all(H <= np.log(np.arange(1, T + 1)) + 1e-12), "row i sees only i + 1 keys"
    np.testing.assert_allclose(H[..., 0], 0.0, atol=1e-15, err_msg="first row sees one key")


def test_residual_norms():
    snaps = [np.full((2, 3, 4), v) for v in (1.0, 2.0, 0.5)]  # each token vector norm = 2|v|
    np.testing.assert_allclose(residual_norms(snaps), [2.0, 4.0, 1.0], rtol=1e-15,
                               err_msg="mean residual norms")
    per_token = residual_norms(np.stack(snaps), per_token=True)
    assert per_token.shape == (3, 2, 3)
    np.testing.assert_allclose(per_token[1], 4.0, rtol=1e-15, err_msg="per-token norms")


def test_entropy_and_norm_bad_inputs():
    with pytest.raises(ValueError, match="negative"):
        attention_entropy([[1.5, -0.5]])
    with pytest.raises(ValueError, match="do not sum to 1"):
        attention_entropy([[0.5, 0.4]])
    with pytest.raises(ValueError, match="scalar"):
        attention_entropy(1.0)
    with pytest.raises(ValueError, match="empty"):
        residual_norms([])
    with pytest.raises(ValueError, match="different shapes"):
        residual_norms([np.ones((1, 2, 3)), np.ones((1, 2, 4))])
    with pytest.raises(ValueError, match=r"\(B, T, d_model\)"):
        residual_norms([np.ones((2, 3))])


# ------------------------------------------------------------------ checks
def test_check_attention_weights():
    T = 4
    causal = softmax(np.where(pc.causal_mask(T), 0.0, -np.inf))
    assert check_attention_weights(causal).passed
    full = softmax(np.zeros((T, T)))
    result = check_attention_weights(full)
    assert not result.passed and result.value == pytest.approx(0.25)
    assert check_attention_weights(full, causal=False).passed
    assert not check_attention_weights(causal * 0.9).passed  # rows no longer sum to 1
    with pytest.raises(ValueError, match=r"expected \(\.\.\., T, S\)"):
        check_attention_weights(np.ones(3))


def test_checks_pass_on_a_correct_model():
    m = BrokenLM()
    for check in (check_shapes, check_causal, check_cache):
        result = check(m)
        assert result.passed, result.detail


def test_checks_catch_each_bug():
    assert not check_causal(BrokenLM(leak_future=True)).passed
    assert not check_cache(BrokenLM(ignore_cache=True)).passed
    assert not check_shapes(BrokenLM(wrong_shape=True)).passed
    assert check_causal(BrokenLM(ignore_cache=True)).passed  # the bugs are independent


def test_checklist_on_decoder_lm(model):
    results = debug_checklist(model, T=6)
    names = [r.name for r in results]
    assert names[:3] == ["output shape", "causality", "KV cache"]
    assert any(n.startswith("attention weights") for n in names)
    for r in results:
        assert r.passed, f"{r.name}: {r.detail}"


def test_check_bad_inputs(model):
    with pytest.raises(ValueError, match="exceeds the model's max_len"):
        check_causal(model, T=13)
    with pytest.raises(ValueError, match="T must be a positive"):
        check_cache(model, T=0)
    with pytest.raises(ValueError, match="batch_size must be a positive"):
        check_shapes(model, batch_size=0)
    with pytest.raises(ValueError, match="exceeds the model's max_len"):
        debug_checklist(model, T=20)
