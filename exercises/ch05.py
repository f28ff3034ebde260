"""Chapter 05 "Check yourself": scaled softmax attention weights for one query.

The reader computes softmax(K q / sqrt(d_k)) (Vaswani et al. 2017, section 3.2.1, eq. 1) for
the query and keys in ``SCALED_WEIGHTS_PROBLEM``. The checker recomputes the answer with
``pycore`` and recognises the usual slips (no scaling, dividing by d_k, no softmax).
"""
import numpy as np

import pycore as pc

from . import as_answer_array, register, verdict

_rng = np.random.default_rng(5)
# Small integers so the reader can read them; d_k = 16 makes sqrt(d_k) = 4.
SCALED_WEIGHTS_PROBLEM = {
    "q": _rng.integers(-2, 3, size=16).astype(float),  # (d_k,)
    "K": _rng.integers(-2, 3, size=(4, 16)).astype(float),  # (T, d_k): 4 keys
}
# Readers may type weights rounded to three decimals.
ATOL = 1e-3


@register("05/scaled_weights")
def check_scaled_weights(answer):
    """Accept the 4 attention weights of q over the rows of K, scaled by 1/sqrt(d_k)."""
    q, K = SCALED_WEIGHTS_PROBLEM["q"], SCALED_WEIGHTS_PROBLEM["K"]
    d_k = q.shape[-1]
    dots = K @ q  # (T,)
    got, hint = as_answer_array(
        answer, dots.shape,
        missing="set `answer` to an array of 4 weights, one per key.",
        not_numbers="`answer` should be a list or array of 4 numbers.",
        wrong_shape=f"expected {dots.shape[0]} weights (one per key), got shape {{shape}}.")
    if hint is not None:
        return verdict(False, hint=hint)

    def close(expected):
        return bool(np.allclose(got, expected, rtol=0.0, atol=ATOL))

    if close(pc.softmax(dots / np.sqrt(d_k))):
        return verdict(True, praise="those are the scaled attention weights.")
    if close(pc.softmax(dots)):
        return verdict(False, hint="these weights come from the raw dot products; the scores "
                               "should be scaled before the softmax.")
    if close(pc.softmax(dots / d_k)):
        return verdict(False, hint="you divided by d_k; the scale is 1/sqrt(d_k), which keeps the "
                               "scores' variance near 1.")
    if close(dots / np.sqrt(d_k)) or close(dots):
        return verdict(False, hint="these are scores, not weights: apply the softmax.")
    if not np.isclose(got.sum(), 1.0):
        return verdict(False, hint="attention weights are non-negative and sum to 1.")
    return verdict(False, hint="one dot product per key (K @ q), scale, then softmax.")
