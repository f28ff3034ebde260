"""Chapter 04 "Check yourself": causal attention weights of the worked example.

The reader computes softmax(mask(Q K^T / sqrt(d_k))) for the chapter's three-token Q and K
with a causal mask (Vaswani et al. 2017, section 3.2.1, eq. 1, and section 3.2.3). The checker
recomputes the answer with ``pycore`` and recognises the usual slips: no mask, no scaling,
masking after the softmax, a zero score instead of -inf, the softmax over the wrong axis.
It never prints the solution.
"""
import numpy as np

import pycore as pc

from . import as_answer_array, register, verdict

# The problem's inputs (the chapter's worked example); the answer is computed from them.
CAUSAL_WEIGHTS_PROBLEM = {
    "Q": np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]], dtype=float),  # (T, d_k)
    "K": np.array([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]], dtype=float),  # (T, d_k)
}
# Readers may type weights rounded to two decimals (an error of up to 0.005); every slip
# recognised below is more than 0.05 away from the right answer somewhere.
ATOL = 0.006
# An answer this close is the right one rounded too coarsely (one decimal: up to 0.05 off).
NEAR = 0.05


def causal_weights_candidates():
    """The right answer and the typical wrong ones, each a (T, T) float64 array.

    Returns a dict: ``"right"`` plus one key per recognised mistake.
    """
    Q, K = CAUSAL_WEIGHTS_PROBLEM["Q"], CAUSAL_WEIGHTS_PROBLEM["K"]
    T, d_k = Q.shape
    allowed = pc.causal_mask(T)  # (T, T)
    scores = Q @ K.T / np.sqrt(d_k)  # (T, T)
    blocked = np.where(allowed, scores, -np.inf)  # (T, T)
    right = pc.softmax(blocked, axis=-1)  # (T, T)
    return {
        "right": right,
        "no_mask": pc.softmax(scores, axis=-1),
        "unscaled": pc.softmax(np.where(allowed, Q @ K.T, -np.inf), axis=-1),
        "mask_after_softmax": pc.softmax(scores, axis=-1) * allowed,
        "zero_score": pc.softmax(np.where(allowed, scores, 0.0), axis=-1),
        "transposed": right.T,
        "column_softmax": pc.softmax(blocked, axis=0),
        "scores": scores,
        "masked_scores": np.where(allowed, scores, 0.0),
    }


_HINTS = {
    "no_mask": "the first tokens still give weight to later ones. Blocked keys must end with "
               "weight exactly 0: set their scores to -inf before the softmax.",
    "unscaled": "the mask is right, but the scores were not scaled: divide Q K^T by "
                "sqrt(d_k) before the softmax.",
    "mask_after_softmax": "some rows sum to less than 1: the weights were zeroed after the "
                          "softmax. Mask the scores (to -inf) before it, so each row is shared "
                          "among the visible keys only.",
    "zero_score": "a blocked score of 0 still gets weight exp(0) > 0. Use -inf for blocked "
                  "scores.",
    "transposed": "the weights sit in the upper triangle: row i is query i, and it may see "
                  "keys j <= i, so the non-zero weights belong on and below the diagonal.",
    "column_softmax": "your columns sum to 1. Each row (one query) is a distribution over the "
                      "keys: take the softmax along the last axis.",
    "scores": "these are scores, not weights: apply the causal mask and a softmax to each row.",
    "masked_scores": "these are still scores: turn each row into weights with a softmax "
                     "(and blocked scores must be -inf, not 0).",
}


@register("04/causal_weights")
def check_causal_weights(answer):
    """Accept the (3, 3) causal attention weights of the chapter's worked example."""
    candidates = causal_weights_candidates()
    expected = candidates["right"]
    got, hint = as_answer_array(
        answer, expected.shape,
        missing="set `weights` to a 3 x 3 array, one row per query.",
        not_numbers="`weights` should be a 3 x 3 array (or nested list) of numbers.",
        wrong_shape=f"expected shape {expected.shape} (queries x keys), got {{shape}}.")
    if hint is not None:
        return verdict(False, hint=hint)
    if not np.all(np.isfinite(got)):
        return verdict(False, hint="weights are finite numbers in [0, 1]; -inf belongs in the "
                                   "scores, before the softmax.")
    if np.allclose(got, expected, rtol=0.0, atol=ATOL):
        return verdict(True, praise="rows sum to 1, and each token weighs only itself and "
                                    "earlier tokens.")
    if np.allclose(got, expected, rtol=0.0, atol=NEAR):
        return verdict(False, hint="close, but some weights are off by more than rounding to "
                                   "two decimals allows: give each weight to two decimals "
                                   "at least.")
    for mistake, hint in _HINTS.items():
        if np.allclose(got, candidates[mistake], rtol=0.0, atol=ATOL):
            return verdict(False, hint=hint)
    if not np.allclose(got.sum(axis=-1), 1.0, atol=ATOL):
        return verdict(False, hint="each row of weights should sum to 1.")
    if np.any(np.abs(np.triu(got, k=1)) > ATOL):
        return verdict(False, hint="weights above the diagonal (later tokens) must be 0.")
    return verdict(False, hint="scale Q K^T by 1/sqrt(d_k), set the blocked scores to -inf, "
                               "then take the softmax of each row.")
