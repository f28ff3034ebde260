"""Autoregressive generation with or without a KV cache.

A decoder-only model defines p(x_t | x_<t). Generation repeats: run the model, take the
logits of the last position, choose a token (``pycore.sampling``), append it, go again
(Radford et al. 2018/2019; Vaswani et al. 2017, section 3.1, the "auto-regressive" decoder).

Without a cache every step re-runs the whole sequence: step t costs O(t) token positions, so
N new tokens cost O(N^2). With a KV cache each step feeds only the newest token and attends
to the stored keys and values, O(1) positions per step (Pope et al. 2022, "Efficiently
Scaling Transformer Inference", section 2). Both paths compute the same logits up to
rounding, and both draw exactly one uniform number per step from the same generator, so
with a fixed seed they produce identical tokens.

The model needs the interface of ``pycore.DecoderLM``: ``model.config.vocab_size``,
``model.config.max_len``, ``model.forward(ids) -> logits (B, T, V)``,
``model.new_cache(batch_size)`` and ``model.forward(ids_new, cache=cache)``.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_array,
    check_model,
    check_nonnegative_int,
    check_positive_float,
)
from .sampling import apply_repetition_penalty, as_generator, check_sampling_settings, sample
from .sampling import greedy as argmax_token

__all__ = ["generate", "check_prompt"]


def check_prompt(model, prompt_ids, max_new_tokens: int, name: str = "prompt_ids",
                 model_name: str = "model"):
    """Validate token ids for ``model`` and the length budget; return (B, T) int64 ids.

    Parameters
    ----------
    model : DecoderLM-like
    prompt_ids : array_like of int, shape (T,) or (B, T), T >= 1
    max_new_tokens : int >= 0
    name, model_name : str
        Argument names used in messages.

    Returns
    -------
    ids : ndarray of shape (B, T), int64
    was_1d : bool
        True if ``prompt_ids`` was 1-D (so results can be returned 1-D as well).
    """
    check_model(model, model_name)
    ids = as_array(prompt_ids, name)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer token ids, got dtype {ids.dtype}")
    if ids.ndim not in (1, 2) or ids.shape[-1] == 0:
        raise ValueError(f"{name} has shape {ids.shape}; expected (T,) or (B, T) with T >= 1")
    vocab_size = model.config.vocab_size
    if ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"{name} holds ids from {ids.min()} to {ids.max()}, outside the "
                         f"model's vocabulary [0, {vocab_size})")
    max_new_tokens = check_nonnegative_int(max_new_tokens, "max_new_tokens")
    total = ids.shape[-1] + max_new_tokens
    if total > model.config.max_len:
        raise ValueError(f"prompt length {ids.shape[-1]} + max_new_tokens {max_new_tokens} = "
                         f"{total} exceeds the model's max_len {model.config.max_len}")
    was_1d = ids.ndim == 1
    return ids.reshape(-1, ids.shape[-1]).astype(np.int64), was_1d  # (B, T)


def generate(model, prompt_ids, max_new_tokens: int, *, temperature: float = 1.0,
             top_k=None, top_p=None, greedy: bool = False, use_cache: bool = True,
             seed=0, repetition_penalty=None) -> np.ndarray:
    """Generate ``max_new_tokens`` tokens after ``prompt_ids``.

    Parameters
    ----------
    model : DecoderLM-like (see the module docstring)
    prompt_ids : array_like of int, shape (T,) or (B, T)
        The prompt; every row has the same length T >= 1.
    max_new_tokens : int
        N >= 0 tokens to append; T + N must not exceed ``model.config.max_len``.
    temperature, top_k, top_p : float, int or None, float or None
        Sampling settings, as in ``pycore.sample`` (ignored when ``greedy``).
    greedy : bool
        Pick the argmax at every step (deterministic; ``seed`` is unused).
    use_cache : bool
        Feed one token per step through a KV cache (True) or re-run the whole sequence
        every step (False). The tokens are the same either way.
    seed : int or numpy.random.Generator
        Source of randomness for sampling.
    repetition_penalty : float or None
        If given, tokens already in the sequence (prompt included) are penalised before
        choosing, greedy or sampled (``pycore.apply_repetition_penalty``).

    Returns
    -------
    ids : ndarray of shape (T + N,) or (B, T + N), int64 (same rank as ``prompt_ids``);
        the prompt followed by the generated tokens.
    """
    ids, was_1d = check_prompt(model, prompt_ids, max_new_tokens)  # (B, T)
    if repetition_penalty is not None:
        repetition_penalty = check_positive_float(repetition_penalty, "repetition_penalty")
    if not greedy:
        rng = as_generator(seed, "seed")
        # Fail on bad settings now rather than after the first forward pass.
        temperature, top_k, top_p = check_sampling_settings(temperature, top_k, top_p)
    B = ids.shape[0]
    cache = model.new_cache(batch_size=B) if use_cache else None
    new_ids = ids  # the tokens the model has not seen yet: the whole prompt, at first
    for _ in range(max_new_tokens):
        if use_cache:
            logits = model.forward(new_ids, cache=cache)  # (B, T_new, V), appends to the cache
        else:
            logits = model.forward(ids)  # (B, T_so_far, V), recomputed from scratch
        last = logits[:, -1, :]  # (B, V) distribution over the next token
        if repetition_penalty is not None:
            last = apply_repetition_penalty(last, ids, repetition_penalty)  # (B, V)
        if greedy:
            next_id = argmax_token(last)  # (B,)
        else:
            next_id = sample(last, temperature=temperature, top_k=top_k, top_p=top_p,
                             rng=rng)  # (B,)
        new_ids = next_id[:, None]  # (B, 1)
        ids = np.concatenate([ids, new_ids], axis=1)  # (B, T_so_far + 1)
    return ids[0] if was_1d else ids
