"""Speculative decoding: a small draft model proposes, the large target model verifies.

Leviathan, Kalman and Matias 2023, "Fast Inference from Transformers via Speculative
Decoding" (Algorithm 1, section 2.3), and Chen et al. 2023, "Accelerating Large Language
Model Decoding with Speculative Sampling" (Algorithm 2). Each round:

1. the draft model samples gamma tokens x_1..x_gamma from its distributions q_1..q_gamma;
2. the target model scores the prefix plus all gamma drafts in ONE forward pass, giving
   p_1..p_{gamma+1};
3. draft x_i is accepted with probability min(1, p_i(x_i) / q_i(x_i)); at the first
   rejection a replacement is drawn from the residual distribution
   norm(max(0, p_i - q_i)) and the round ends; if all gamma are accepted, one more token is
   drawn from p_{gamma+1}.

For one position the token that comes out has probability
    q(x) min(1, p(x)/q(x)) + (1 - sum_y min(p(y), q(y))) * max(0, p(x) - q(x)) / Z
  = min(p(x), q(x)) + max(0, p(x) - q(x)) = p(x),
(with Z = sum_y max(0, p(y) - q(y)) = 1 - sum_y min(p(y), q(y))), so the output has exactly
the target's distribution whatever the draft is; a good draft only makes it faster (more
tokens per target call). ``p`` and ``q`` here are the distributions after temperature, top-k
and top-p (``pycore.sampling_probs``), so the guarantee holds for those settings too.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_float_array,
    as_int_array,
    check_int,
    check_model,
    check_ndim,
    check_positive_int,
    check_shape,
)
from .generation import check_prompt
from .sampling import as_generator, check_sampling_settings, sample_from_probs, sampling_probs

__all__ = [
    "acceptance_probability",
    "residual_distribution",
    "verify_drafts",
    "speculative_generate",
]


def acceptance_probability(p, q, x: int) -> float:
    """min(1, p(x) / q(x)): the chance that drafted token ``x`` is kept.

    Parameters
    ----------
    p : array_like of shape (V,)
        Target distribution at this position.
    q : array_like of shape (V,)
        Draft distribution that ``x`` was sampled from; q(x) > 0.
    x : int
        The drafted token id.
    """
    p = _distributions(p, "p")
    q = _distributions(q, "q")
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError(f"p has shape {p.shape} and q has shape {q.shape}; expected both (V,)")
    x = check_int(x, "x")
    if not 0 <= x < p.shape[0]:
        raise ValueError(f"token id x={x} is outside the vocabulary [0, {p.shape[0]})")
    if q[x] <= 0:
        raise ValueError(f"q({x}) = {q[x]}: a drafted token must have positive draft probability")
    return 1.0 if p[x] >= q[x] else float(p[x] / q[x])  # no division overflow for tiny q(x)


def residual_distribution(p, q) -> np.ndarray:
    """norm(max(0, p - q)): where to resample after a rejection.

    Parameters
    ----------
    p, q : array_like of shape (V,)
        Target and draft distributions.

    Returns
    -------
    ndarray of shape (V,), float64, summing to 1. If p <= q everywhere (then p = q and no
    rejection can happen), p itself is returned.
    """
    p = as_float_array(p, "p", dtype=np.float64)
    q = as_float_array(q, "q", dtype=np.float64)
    if p.shape != q.shape:
        raise ValueError(f"p has shape {p.shape} but q has shape {q.shape}; they must match")
    excess = np.maximum(p - q, 0.0)  # (V,) where the target wants more than the draft gave
    total = excess.sum()
    return excess / total if total > 0 else p


def verify_drafts(p_rows, q_rows, drafted, rng):
    """One verification round: accept a prefix of the drafts, then add one target token.

    Parameters
    ----------
    p_rows : array_like of shape (gamma + 1, V)
        Target distributions at the gamma draft positions plus the one after them.
    q_rows : array_like of shape (gamma, V)
        Draft distributions the drafts were sampled from.
    drafted : sequence of gamma ints
        The drafted tokens.
    rng : numpy.random.Generator or int

    Returns
    -------
    n_accepted : int
        How many drafts were kept (0..gamma).
    next_token : int
        The replacement drawn from the residual at the first rejection, or a fresh token from
        p_{gamma+1} if every draft was accepted.
    """
    rng = as_generator(rng)
    drafted = as_int_array(drafted, "drafted")
    check_ndim(drafted, "drafted", ndim=1, expected="(gamma,)")
    gamma = drafted.shape[0]
    p_rows = _distributions(p_rows, "p_rows")
    V = check_shape(p_rows, "p_rows", "(gamma_plus_1, V)", gamma_plus_1=gamma + 1)[1]
    q_rows = _distributions(q_rows, "q_rows").reshape(-1, V) if gamma == 0 else \
        _distributions(q_rows, "q_rows")
    check_shape(q_rows, "q_rows", "(gamma, V)", gamma=gamma, V=V)
    if gamma and (drafted.min() < 0 or drafted.max() >= V):
        raise ValueError(f"drafted holds ids outside the vocabulary [0, {V})")
    for i, x in enumerate(drafted):
        r = rng.random()
        if r < acceptance_probability(p_rows[i], q_rows[i], x):
            continue
        residual = residual_distribution(p_rows[i], q_rows[i])
        return i, int(sample_from_probs(residual, rng))
    return gamma, int(sample_from_probs(p_rows[gamma], rng))


def _distributions(probs, name: str) -> np.ndarray:
    """Rows of non-negative weights with a positive sum, as float64."""
    probs = as_float_array(probs, name, dtype=np.float64)
    if np.any(probs < 0) or (probs.size and np.any(np.sum(probs, axis=-1) <= 0)):
        raise ValueError(f"{name} (shape {probs.shape}) must hold non-negative rows with a "
                         "positive sum (probability distributions)")
    return probs


def _last_logits(model, seq, cache, n_rows: int) -> np.ndarray:
    """Logits (n_rows, V) for the last ``n_rows`` positions of ``seq`` (T,)."""
    if cache is None:
        return model.forward(seq[None, :])[0, -n_rows:]  # (n_rows, V), full recompute
    new = seq[cache.length:]  # (T - cached,) tokens this model has not seen yet
    return model.forward(new[None, :], cache=cache)[0, -n_rows:]  # (n_rows, V)


def speculative_generate(target, draft, prompt_ids, max_new_tokens: int, *, n_draft: int = 4,
                         temperature: float = 1.0, top_k=None, top_p=None, seed=0,
                         use_cache: bool = True):
    """Sample ``max_new_tokens`` tokens from ``target``, proposing them with ``draft``.

    Parameters
    ----------
    target, draft : DecoderLM-like models with the same vocabulary size V
    prompt_ids : array_like of int, shape (T,) or (1, T)
        One prompt (acceptance differs per row, so batches are not supported).
    max_new_tokens : int
        N >= 0 tokens to generate.
    n_draft : int
        gamma >= 1, drafts per round (fewer in the last round, so exactly N tokens come out).
    temperature, top_k, top_p :
        Sampling settings applied to both models, as in ``pycore.sample``.
    seed : int or numpy.random.Generator
    use_cache : bool
        Use KV caches (rolled back with ``cache.truncate`` after rejections) or recompute.

    Returns
    -------
    ids : ndarray of shape (T + N,), int64
    stats : dict
        ``target_calls``, ``draft_calls``, ``drafted``, ``accepted``,
        ``acceptance_rate`` (accepted / drafted), ``tokens_per_target_call``
        (N / target_calls; plain sampling gives 1.0), ``accepted_per_round`` (list of int).
    """
    check_model(target, "target")
    check_model(draft, "draft")
    if target.config.vocab_size != draft.config.vocab_size:
        raise ValueError(f"target has vocab_size {target.config.vocab_size} but draft has "
                         f"{draft.config.vocab_size}; they must share one vocabulary")
    ids, _ = check_prompt(target, prompt_ids, max_new_tokens, model_name="target")  # (B, T)
    check_prompt(draft, ids, max_new_tokens, model_name="draft")
    if ids.shape[0] != 1:
        raise ValueError(f"prompt_ids has shape {np.shape(prompt_ids)}; speculative_generate "
                         "takes one prompt, shape (T,) or (1, T)")
    n_draft = check_positive_int(n_draft, "n_draft")
    temperature, top_k, top_p = check_sampling_settings(temperature, top_k, top_p)
    settings = {"temperature": temperature, "top_k": top_k, "top_p": top_p}
    rng = as_generator(seed, "seed")
    target_cache = target.new_cache(batch_size=1) if use_cache else None
    draft_cache = draft.new_cache(batch_size=1) if use_cache else None

    seq = ids[0]  # (T,)
    n_new = max_new_tokens
    stats = {"target_calls": 0, "draft_calls": 0, "drafted": 0, "accepted": 0,
             "accepted_per_round": []}
    while seq.shape[0] < ids.shape[1] + n_new:
        remaining = ids.shape[1] + n_new - seq.shape[0]
        gamma = min(n_draft, remaining - 1)  # a round yields up to gamma + 1 tokens
        extended, drafted, q_rows = seq, [], []
        for _ in range(gamma):
            q = sampling_probs(_last_logits(draft, extended, draft_cache, 1)[0], **settings)  # (V,)
            x = int(sample_from_probs(q, rng))
            drafted.append(x)
            q_rows.append(q)
            extended = np.append(extended, x)  # (len + 1,)
        p_rows = sampling_probs(_last_logits(target, extended, target_cache, gamma + 1),
                                **settings)  # (gamma + 1, V), one target call for all drafts
        n_accepted, next_token = verify_drafts(p_rows, np.array(q_rows), drafted, rng)
        seq = np.concatenate([seq, drafted[:n_accepted], [next_token]]).astype(np.int64)
        stats["target_calls"] += 1
        stats["draft_calls"] += gamma
        stats["drafted"] += gamma
        stats["accepted"] += n_accepted
        stats["accepted_per_round"].append(n_accepted)
        if use_cache:
            # Keep only keys/values of tokens still in the sequence; the newest token is fed
            # next round. The draft cache never saw its own last draft, hence the min.
            target_cache.truncate(seq.shape[0] - 1)
            draft_cache.truncate(min(draft_cache.length, seq.shape[0] - 1))
    stats["acceptance_rate"] = stats["accepted"] / stats["drafted"] if stats["drafted"] else 0.0
    stats["tokens_per_target_call"] = (n_new / stats["target_calls"]
                                       if stats["target_calls"] else 0.0)
    return seq, stats
