"""Tests for pycore.generation: greedy and sampled generation, cached == uncached."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pycore as pc
from pycore.generation import generate
from pycore.sampling import sample


def tiny_model(seed=0, **overrides):
    kwargs = dict(vocab_size=13, d_model=16, n_heads=2, n_layers=2, d_ff=32, max_len=40)
    kwargs.update(overrides)
    return pc.DecoderLM(pc.TransformerConfig(**kwargs), seed=seed)


@pytest.fixture(scope="module")
def model():
    return tiny_model()


def test_greedy_equals_manual_argmax_loop(model):
    prompt = np.array([1, 5, 2])
    out = generate(model, prompt, 8, greedy=True)
    ids = prompt.copy()
    for _ in range(8):
        logits = model.forward(ids[None])[0]  # (T, V)
        ids = np.append(ids, np.argmax(logits[-1]))
    np.testing.assert_array_equal(out, ids, err_msg="greedy tokens")
    np.testing.assert_array_equal(generate(model, prompt, 8, greedy=True, use_cache=False), ids,
                                  err_msg="greedy tokens without cache")


def test_sampling_equals_manual_loop_with_same_generator(model):
    prompt = np.array([4, 4])
    out = generate(model, prompt, 10, temperature=0.8, top_k=5, top_p=0.9, seed=3)
    rng = np.random.default_rng(3)
    ids = prompt.copy()
    for _ in range(10):
        last = model.forward(ids[None])[0, -1]  # (V,)
        ids = np.append(ids, sample(last, temperature=0.8, top_k=5, top_p=0.9, rng=rng))
    np.testing.assert_array_equal(out, ids, err_msg="sampled tokens")


def test_repetition_penalty_in_generation(model):
    prompt = np.array([3, 3, 3])
    out = generate(model, prompt, 10, greedy=True, repetition_penalty=3.0)
    ids = prompt.copy()
    for _ in range(10):
        last = model.forward(ids[None])[0, -1]  # (V,)
        ids = np.append(ids, np.argmax(pc.apply_repetition_penalty(last, ids, 3.0)))
    np.testing.assert_array_equal(out, ids, err_msg="penalised greedy tokens")
    plain = generate(model, prompt, 10, greedy=True)
    np.testing.assert_array_equal(generate(model, prompt, 10, greedy=True, repetition_penalty=1),
                                  plain, err_msg="penalty 1 changes nothing")
    assert len(set(out[3:])) > len(set(plain[3:])), "the penalty should reduce repetition"
    a = generate(model, prompt, 10, repetition_penalty=1.5, seed=4)
    b = generate(model, prompt, 10, repetition_penalty=1.5, seed=4, use_cache=False)
    np.testing.assert_array_equal(a, b, err_msg="cached vs uncached with penalty")
    with pytest.raises(ValueError, match="repetition_penalty"):
        generate(model, prompt, 3, repetition_penalty=-1.0)


def test_cached_and_uncached_sampling_identical(model):
    for seed in range(3):
        a = generate(model, [7], 20, temperature=1.3, seed=seed)
        b = generate(model, [7], 20, temperature=1.3, seed=seed, use_cache=False)
        np.testing.assert_array_equal(a, b, err_msg=f"cached vs uncached, seed {seed}")


@settings(max_examples=12, deadline=None)
@given(
    vocab_size=st.integers(2, 20),
    n_heads=st.sampled_from([1, 2, 4]),
    d_head=st.sampled_from([2, 4]),
    n_layers=st.integers(1, 2),
    norm=st.sampled_from(["layer", "rms"]),
    activation=st.sampled_from(["relu", "gelu", "swiglu"]),
    positional=st.sampled_from(["learned", "sinusoidal", "rope", "alibi", "none"]),
    norm_position=st.sampled_from(["pre", "post"]),
    grouped=st.booleans(),
    prompt_len=st.integers(1, 5),
    seed=st.integers(0, 2 ** 16),
    top_p=st.sampled_from([None, 0.9]),
)
def test_cached_equals_uncached_random_configs(vocab_size, n_heads, d_head, n_layers, norm,
                                               activation, positional, norm_position, grouped,
                                               prompt_len, seed, top_p):
    model = tiny_model(seed=seed, vocab_size=vocab_size, d_model=n_heads * d_head,
                       n_heads=n_heads, n_layers=n_layers, d_ff=8, max_len=16, norm=norm,
                       activation=activation, positional=positional,
                       norm_position=norm_position, n_kv_heads=1 if grouped else None)
    prompt = np.random.default_rng(seed).integers(0, vocab_size, size=prompt_len)
    a = generate(model, prompt, 16 - prompt_len, top_p=top_p, seed=seed)
    b = generate(model, prompt, 16 - prompt_len, top_p=top_p, seed=seed, use_cache=False)
    np.testing.assert_array_equal(a, b, err_msg="cached vs uncached tokens")


@pytest.mark.parametrize("positional", ["learned", "sinusoidal", "rope", "alibi", "none"])
def test_cached_equals_uncached_every_positional_scheme(positional):
    model = tiny_model(seed=1, positional=positional, n_kv_heads=1)
    a = generate(model, [2, 3], 12, seed=9)
    b = generate(model, [2, 3], 12, seed=9, use_cache=False)
    np.testing.assert_array_equal(a, b, err_msg=f"cached vs uncached, {positional}")


def test_batch_greedy_rows_equal_single_prompts(model):
    prompts = np.array([[1, 2, 3], [9, 8, 7]])
    batch = generate(model, prompts, 6, greedy=True)
    assert batch.shape == (2, 9)
    for row in range(2):
        np.testing.assert_array_equal(batch[row], generate(model, prompts[row], 6, greedy=True),
                                      err_msg=f"batch row {row}")


def test_shapes_reproducibility_and_zero_tokens(model):
    out = generate(model, [1, 2], 5, seed=0)
    assert out.shape == (7,) and out.dtype == np.int64
    np.testing.assert_array_equal(out[:2], [1, 2], err_msg="prompt kept")
    np.testing.assert_array_equal(out, generate(model, [1, 2], 5, seed=0), err_msg="same seed")
    np.testing.assert_array_equal(generate(model, [1, 2], 0), [1, 2], err_msg="no new tokens")
    runs = {tuple(generate(model, [1], 10, temperature=2.0, seed=s)) for s in range(5)}
    assert len(runs) > 1, "different seeds should give different samples at temperature 2"


def test_bad_inputs(model):
    with pytest.raises(TypeError, match="integer token ids"):
        generate(model, [1.5, 2.0], 3)
    with pytest.raises(ValueError, match="T >= 1"):
        generate(model, np.array([], dtype=np.int64), 3)
    with pytest.raises(ValueError, match="outside the model's vocabulary"):
        generate(model, [0, 13], 3)
    with pytest.raises(ValueError, match="exceeds the model's max_len"):
        generate(model, [0, 1], 39)
    with pytest.raises(ValueError, match="max_new_tokens"):
        generate(model, [0], -1)
    with pytest.raises(ValueError, match="temperature"):
        generate(model, [0], 3, temperature=0.0)
    with pytest.raises(ValueError, match="k must be"):
        generate(model, [0], 3, top_k=0)
    with pytest.raises(ValueError, match="p must be in"):
        generate(model, [0], 3, top_p=1.5)
    with pytest.raises(TypeError, match="seed must be"):
        generate(model, [0], 3, seed="abc")
