"""From logits to a next token: greedy choice, temperature, top-k, top-p, and sampling.

A language model's last layer gives logits z of shape (..., V). Decoding turns them into a
token id:

- greedy: argmax_i z_i (deterministic, prone to repetition);
- temperature tau: softmax(z / tau); tau < 1 sharpens, tau > 1 flattens;
- top-k: keep the k largest logits (Fan, Lewis and Dauphin 2018, "Hierarchical Neural
  Story Generation", section 5.4);
- top-p, "nucleus" sampling: keep the smallest set of tokens whose probability reaches p
  (Holtzman et al. 2020, "The Curious Case of Neural Text Degeneration", section 3.1, eq. 2-3);
- repetition penalty: make tokens already in the text less likely by dividing their positive
  logits (multiplying negative ones) by a factor theta > 1 (Keskar et al. 2019, "CTRL",
  section 4.1).

Filters set removed logits to -inf, so a softmax gives them probability exactly 0. ``sample``
applies temperature, then top-k, then top-p (the order Hugging Face ``generate`` uses), and
draws by inverting the cumulative distribution with one uniform number per row: the same
random stream always gives the same tokens for the same distribution, which is what lets
cached and uncached generation agree token for token.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import (
    as_array,
    as_float_array,
    as_generator,
    check_positive_float,
)
from .softmax import softmax

__all__ = [
    "greedy",
    "apply_temperature",
    "apply_repetition_penalty",
    "top_k_filter",
    "top_p_filter",
    "sampling_probs",
    "sample_from_probs",
    "sample",
    "as_generator",
    "check_sampling_settings",
]

_P_TOLERANCE = 1e-12  # cumulative mass this close to p counts as reaching p (rounding slack)


def _check_logits(logits, name: str = "logits") -> np.ndarray:
    """Float array (..., V) with V >= 1; -inf allowed (a removed token), NaN and +inf not."""
    z = as_float_array(logits, name, allow_nonfinite=True)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"{name} has shape {z.shape}; expected (..., V) with V >= 1")
    if np.any(np.isnan(z)) or np.any(z == np.inf):
        raise ValueError(f"{name} (shape {z.shape}) contains NaN or +inf; only -inf is allowed")
    if np.any(np.all(z == -np.inf, axis=-1)):
        raise ValueError(f"{name} (shape {z.shape}) has a row that is entirely -inf: "
                         "no token is left to choose")
    return z


def greedy(logits) -> np.ndarray:
    """The most likely token of each row (ties go to the lowest id, like ``numpy.argmax``).

    Parameters
    ----------
    logits : array_like of shape (..., V)

    Returns
    -------
    ids : ndarray of shape (...), int64
    """
    z = _check_logits(logits)
    return np.argmax(z, axis=-1).astype(np.int64)  # (...,)


def apply_temperature(logits, temperature: float) -> np.ndarray:
    """Divide logits by ``temperature`` > 0: softmax(z / tau).

    Parameters
    ----------
    logits : array_like of shape (..., V), float32 or float64
    temperature : float
        tau > 0. tau -> 0 approaches greedy; tau = 1 leaves the distribution unchanged.

    Returns
    -------
    ndarray of shape (..., V), same dtype as ``logits``.
    """
    z = _check_logits(logits)
    temperature = check_positive_float(temperature, "temperature")
    with np.errstate(over="ignore"):
        out = (z / temperature).astype(z.dtype, copy=False)
    if np.any(np.isinf(out) & np.isfinite(z)):
        raise ValueError(f"logits / temperature overflowed (temperature={temperature}, "
                         f"max |logits| = {np.max(np.abs(z[np.isfinite(z)])):.3g}): logits too "
                         "large or temperature too small")
    return out


def apply_repetition_penalty(logits, previous_ids, penalty: float) -> np.ndarray:
    """Penalise tokens that already occur in ``previous_ids`` (Keskar et al. 2019, CTRL).

    For every token seen before, z -> z / penalty if z > 0, else z * penalty, so with
    penalty > 1 it always becomes less likely (dividing a negative logit would raise it).

    Parameters
    ----------
    logits : array_like of shape (..., V)
    previous_ids : array_like of int, shape (..., n)
        The tokens so far, with the same leading dimensions as ``logits``.
    penalty : float
        theta > 0; 1 changes nothing, CTRL uses 1.2, theta < 1 encourages repetition.

    Returns
    -------
    ndarray of shape (..., V), same dtype as ``logits``.
    """
    z = _check_logits(logits)
    penalty = check_positive_float(penalty, "penalty")
    ids = as_array(previous_ids, "previous_ids")
    if ids.dtype.kind not in "iu":
        raise TypeError(f"previous_ids must be integer token ids, got dtype {ids.dtype}")
    if ids.ndim != z.ndim or ids.shape[:-1] != z.shape[:-1]:
        raise ValueError(f"previous_ids has shape {ids.shape}; expected (..., n) with leading "
                         f"dimensions {z.shape[:-1]} matching logits {z.shape}")
    if ids.size and (ids.min() < 0 or ids.max() >= z.shape[-1]):
        raise ValueError(f"previous_ids holds ids outside the vocabulary [0, {z.shape[-1]})")
    seen = np.zeros(z.shape, dtype=bool)  # (..., V)
    np.put_along_axis(seen, ids.astype(np.int64), True, axis=-1)
    with np.errstate(over="ignore"):
        penalised = np.where(z > 0, z / penalty, z * penalty)  # (..., V)
    out = np.where(seen, penalised, z).astype(z.dtype, copy=False)
    if np.any(np.isinf(out) & np.isfinite(z)):
        raise ValueError(f"penalising logits overflowed (penalty={penalty}): logits too large "
                         "or penalty too far from 1")
    return out


def _check_k(k, name: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {k!r} ({type(k).__name__})")
    if k <= 0:
        raise ValueError(f"{name} must be >= 1 (the number of tokens to keep), got {k}")
    return int(k)


def top_k_filter(logits, k: int) -> np.ndarray:
    """Keep the ``k`` largest logits of each row; set the rest to -inf.

    Exactly ``min(k, V)`` tokens are kept: among equal logits the lower token id wins (a
    stable sort), so the result never depends on platform tie-breaking.

    Parameters
    ----------
    logits : array_like of shape (..., V)
    k : int
        Number of tokens to keep, k >= 1. k >= V keeps every token.

    Returns
    -------
    ndarray of shape (..., V), same dtype; removed entries are -inf.
    """
    z = _check_logits(logits)
    k = _check_k(k)
    V = z.shape[-1]
    if k >= V:
        return z.copy()
    order = np.argsort(-z, axis=-1, kind="stable")  # (..., V) best first, ties by id
    removed = order[..., k:]  # (..., V - k)
    out = z.copy()
    np.put_along_axis(out, removed, -np.inf, axis=-1)
    return out


def _check_p(p, name: str = "p") -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {p!r} ({type(p).__name__})")
    try:
        p = float(p)
    except OverflowError:  # an int beyond the float range
        p = float("inf")
    if not 0.0 < p <= 1.0:
        raise ValueError(f"{name} must be in (0, 1] (a probability mass to keep), got {p}")
    return p


def top_p_filter(logits, p: float) -> np.ndarray:
    """Nucleus filter: keep the smallest set of top tokens whose probability reaches ``p``.

    Sort tokens by probability (descending, ties by lower id) and keep token number j of
    that order if the probability of the tokens before it is still below p (Holtzman et al.
    2020, eq. 2). The most likely token is therefore always kept, and the kept mass is
    >= p (a mass within 1e-12 of p counts as reaching it, absorbing rounding error).
    Cumulative sums are taken in float64 whatever the input dtype.

    Parameters
    ----------
    logits : array_like of shape (..., V)
    p : float
        Probability mass to keep, 0 < p <= 1. p = 1 keeps every token of non-zero probability.

    Returns
    -------
    ndarray of shape (..., V), same dtype; removed entries are -inf.
    """
    z = _check_logits(logits)
    p = _check_p(p)
    probs = softmax(z.astype(np.float64), axis=-1)  # (..., V)
    order = np.argsort(-probs, axis=-1, kind="stable")  # (..., V) most likely first
    sorted_probs = np.take_along_axis(probs, order, axis=-1)  # (..., V)
    mass_before = np.cumsum(sorted_probs, axis=-1) - sorted_probs  # (..., V) mass of better tokens
    # Mass within _P_TOLERANCE of p counts as reaching it, so that probabilities like 0.5 + 0.3
    # meet p = 0.8 despite rounding.
    keep_sorted = mass_before < p - _P_TOLERANCE  # (..., V)
    keep_sorted[..., 0] = True  # the most likely token always stays, even for a tiny p
    keep = np.zeros(z.shape, dtype=bool)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    return np.where(keep, z, -np.inf).astype(z.dtype, copy=False)


def check_sampling_settings(temperature: float = 1.0, top_k=None, top_p=None):
    """Validate sampling settings up front; return ``(temperature, top_k, top_p)`` normalised."""
    temperature = check_positive_float(temperature, "temperature")
    top_k = None if top_k is None else _check_k(top_k, "top_k")
    top_p = None if top_p is None else _check_p(top_p, "top_p")
    return temperature, top_k, top_p


def sampling_probs(logits, *, temperature: float = 1.0, top_k=None, top_p=None) -> np.ndarray:
    """The distribution ``sample`` draws from: temperature, then top-k, then top-p, then softmax.

    Parameters
    ----------
    logits : array_like of shape (..., V)
    temperature : float
        tau > 0.
    top_k : int or None
        Keep only the k most likely tokens (None: no top-k filter).
    top_p : float or None
        Keep the nucleus of mass p (None: no top-p filter).

    Returns
    -------
    probs : ndarray of shape (..., V), float64 (float32 if ``logits`` is float32), rows sum to 1.
    """
    temperature, top_k, top_p = check_sampling_settings(temperature, top_k, top_p)
    z = apply_temperature(logits, temperature)
    if top_k is not None:
        z = top_k_filter(z, top_k)
    if top_p is not None:
        z = top_p_filter(z, top_p)
    return softmax(z, axis=-1)


def sample_from_probs(probs, rng) -> np.ndarray:
    """Draw one token per row of ``probs`` by inverting its cumulative distribution.

    One uniform u in [0, 1) is drawn per row, and the token is the first i with
    cdf_i > u * cdf_V. Tokens of probability 0 are never chosen.

    Parameters
    ----------
    probs : array_like of shape (..., V)
        Non-negative weights; each row needs a positive sum (it is normalised here).
    rng : numpy.random.Generator or int
        Source of the uniform numbers (an int is used as a seed).

    Returns
    -------
    ids : ndarray of shape (...), int64
    """
    probs = as_float_array(probs, "probs")
    if probs.ndim == 0 or probs.shape[-1] == 0:
        raise ValueError(f"probs has shape {probs.shape}; expected (..., V) with V >= 1")
    if np.any(probs < 0):
        raise ValueError(f"probs (shape {probs.shape}) has negative entries")
    rng = as_generator(rng)
    cdf = np.cumsum(probs.astype(np.float64), axis=-1)  # (..., V)
    total = cdf[..., -1:]  # (..., 1)
    if np.any(total <= 0):
        raise ValueError(f"probs (shape {probs.shape}) has a row with zero total probability")
    u = rng.random(size=probs.shape[:-1] + (1,))  # (..., 1), one draw per row
    ids = np.sum(cdf <= u * total, axis=-1)  # (...,) first index whose cdf exceeds u * total
    # Rounding can push u * total up to total itself; fall back to the last token with mass.
    last_positive = probs.shape[-1] - 1 - np.argmax(probs[..., ::-1] > 0, axis=-1)  # (...,)
    return np.asarray(np.minimum(ids, last_positive), dtype=np.int64)


def sample(logits, *, temperature: float = 1.0, top_k=None, top_p=None, rng) -> np.ndarray:
    """Sample one token per row after temperature, top-k and top-p.

    Parameters
    ----------
    logits : array_like of shape (..., V)
    temperature : float
        tau > 0 (use ``greedy`` for the tau -> 0 limit).
    top_k : int or None
        k >= 1, or None for no top-k filter.
    top_p : float or None
        0 < p <= 1, or None for no nucleus filter.
    rng : numpy.random.Generator or int
        Required: randomness is always explicit. An int is used as a seed.

    Returns
    -------
    ids : ndarray of shape (...), int64

    Examples
    --------
    >>> sample(np.array([0.0, 5.0, 0.0]), top_k=1, rng=0)
    array(1)
    """
    probs = sampling_probs(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    return sample_from_probs(probs, rng)
