"""Beam search and sequence log-probabilities.

The log-probability of a continuation y_1..y_N after a prompt x is
    log p(y | x) = sum_t log p(y_t | x, y_<t)
(the chain rule; each factor is a log-softmax of the model's logits). Greedy decoding
maximises each factor in turn; beam search keeps the ``beam_width`` best partial sequences
at every step and so can find continuations with a higher total (Graves 2012, "Sequence
Transduction with Recurrent Neural Networks", section 3.2; Sutskever, Vinyals and Le 2014,
section 3.2). It is still a heuristic: the best sequence may fall off the beam early.

Longer sequences collect more negative terms, so plain beam search favours short outputs
when sequences can end (an ``eos_id``). The optional length penalty ranks finished
hypotheses by log p / N^alpha with N the number of generated tokens (the form used by
Hugging Face ``generate``; Wu et al. 2016, "Google's Neural Machine Translation System",
section 7, use ((5 + N) / 6)^alpha). alpha = 0 (the default) ranks by log p itself.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import check_int, check_nonnegative_int, check_positive_int, check_real
from .generation import check_prompt
from .softmax import log_softmax

__all__ = ["Hypothesis", "beam_search", "sequence_log_prob"]

_MAX_LENGTH_PENALTY = 10.0


class Hypothesis(NamedTuple):
    """One beam-search result: the full ids, their total log-probability, the ranking score."""

    ids: np.ndarray  # (T + N,) int64, prompt included
    log_prob: float  # sum of log p(y_t | ...) over the N generated tokens
    score: float  # log_prob / N**length_penalty (log_prob itself when length_penalty = 0)


def sequence_log_prob(model, ids, prompt_length: int) -> float:
    """Total log-probability the model gives to ``ids[prompt_length:]`` after the prompt.

    Parameters
    ----------
    model : DecoderLM-like
    ids : array_like of int, shape (T,)
        Prompt followed by the continuation.
    prompt_length : int
        1 <= prompt_length <= T; the first ``prompt_length`` ids are conditioned on, not scored.

    Returns
    -------
    float: sum over t >= prompt_length of log p(ids[t] | ids[:t]) (0.0 if nothing is scored).
    """
    ids, _ = check_prompt(model, ids, 0, name="ids")  # (1, T)
    if ids.shape[0] != 1:
        raise ValueError(f"ids has shape {ids.shape}; expected one sequence (T,)")
    prompt_length = check_positive_int(prompt_length, "prompt_length")
    T = ids.shape[1]
    if prompt_length > T:
        raise ValueError(f"prompt_length {prompt_length} is longer than the sequence ({T} ids)")
    logp = log_softmax(model.forward(ids)[0], axis=-1)  # (T, V); row t predicts ids[t + 1]
    targets = ids[0, prompt_length:]  # (T - prompt_length,)
    rows = np.arange(prompt_length - 1, T - 1)  # the positions that predict those targets
    return float(np.sum(logp[rows, targets]))


def beam_search(model, prompt, beam_width: int, max_new_tokens: int, *,
                length_penalty: float = 0.0, eos_id=None) -> list:
    """Keep the ``beam_width`` most probable continuations, extending them one token a step.

    Every step runs the model on all live beams at once (a batch of shape (n_beams, T),
    recomputed from scratch: simple, and fine for the small models of this book), scores
    each beam + token by its total log-probability and keeps the best ``beam_width`` (ties
    go to the lower beam index, then the lower token id). A beam that emits ``eos_id``
    is finished and set aside; the search stops when ``beam_width`` beams have finished or
    after ``max_new_tokens`` steps.

    Parameters
    ----------
    model : DecoderLM-like
    prompt : array_like of int, shape (T,)
    beam_width : int
        Number of beams kept, >= 1 (1 is greedy decoding).
    max_new_tokens : int
        N >= 0, the most tokens added to any beam.
    length_penalty : float in [-10, 10]
        alpha in score = log_prob / N^alpha used to rank the final hypotheses (default 0).
    eos_id : int or None
        Token that ends a sequence (None: sequences only end at ``max_new_tokens``).

    Returns
    -------
    list of ``Hypothesis(ids, log_prob, score)``, best score first, at most ``beam_width``.
    """
    ids, _ = check_prompt(model, prompt, max_new_tokens, name="prompt")  # (1, T)
    if ids.shape[0] != 1:
        raise ValueError(f"prompt has shape {np.shape(prompt)}; beam_search takes one prompt (T,)")
    beam_width = check_positive_int(beam_width, "beam_width")
    max_new_tokens = check_nonnegative_int(max_new_tokens, "max_new_tokens")
    length_penalty = check_real(length_penalty, "length_penalty")
    if abs(length_penalty) > _MAX_LENGTH_PENALTY:  # N^alpha must stay within the float range
        raise ValueError(f"length_penalty must lie in [-{_MAX_LENGTH_PENALTY}, "
                         f"{_MAX_LENGTH_PENALTY}] (0 to 2 is usual), got {length_penalty}")
    V = model.config.vocab_size
    if eos_id is not None:
        eos_id = check_int(eos_id, "eos_id", min_value=0, max_value=V - 1)

    beams = ids  # (n_beams, T_so_far)
    beam_log_probs = np.zeros(1)  # (n_beams,)
    finished = []  # (ids, log_prob) of beams that emitted eos_id
    for _ in range(max_new_tokens):
        logp = log_softmax(model.forward(beams)[:, -1, :], axis=-1)  # (n_beams, V)
        candidates = beam_log_probs[:, None] + logp  # (n_beams, V) total log-prob if extended
        order = np.argsort(-candidates.ravel(), kind="stable")  # best first, ties by index
        new_beams, new_log_probs = [], []
        for flat in order:
            if len(new_beams) == beam_width or len(finished) >= beam_width:
                break
            beam, token = divmod(int(flat), V)
            total = float(candidates[beam, token])
            extended = np.append(beams[beam], token)  # (T_so_far + 1,)
            if eos_id is not None and token == int(eos_id):
                finished.append((extended, total))
            else:
                new_beams.append(extended)
                new_log_probs.append(total)
        if len(finished) >= beam_width or not new_beams:
            beams = beams[:0]
            break
        beams = np.stack(new_beams)  # (n_beams, T_so_far + 1)
        beam_log_probs = np.array(new_log_probs)  # (n_beams,)
    finished.extend(zip(beams, beam_log_probs))  # beams still alive at the end

    T = ids.shape[1]
    results = []
    for seq, total in finished:
        n_new = len(seq) - T
        score = total / n_new ** length_penalty if n_new > 0 else total
        results.append(Hypothesis(np.asarray(seq, dtype=np.int64), float(total), float(score)))
    results.sort(key=lambda h: -h.score)  # stable: equal scores keep their order
    return results[:beam_width]
