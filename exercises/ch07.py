"""Chapter 07 "Check yourself": LayerNorm of one token's feature vector, by hand.

LayerNorm (Ba et al. 2016, eq. 3 / 4) normalises one token over its features with the *biased*
variance (divide by d, not d - 1). The checker recomputes the answer with
``pycore.layer_norm`` and recognises the usual slips: RMSNorm instead of LayerNorm (Zhang and
Sennrich 2019), the unbiased variance, dividing by the variance instead of the standard
deviation, or not dividing at all.
"""
import numpy as np

import pycore as pc

from . import as_answer_array, register, verdict

#: One token with d = 8 features; gamma = 1 and beta = 0, eps = 1e-5 (negligible here).
LAYER_NORM_PROBLEM = {"x": [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], "eps": 1e-5}



@register("07/layer_norm")
def check_layer_norm(answer):
    """Accept LayerNorm(x) for ``LAYER_NORM_PROBLEM`` (gamma = 1, beta = 0) within 1e-3."""
    x = np.asarray(LAYER_NORM_PROBLEM["x"])  # (d,)
    eps = LAYER_NORM_PROBLEM["eps"]
    got, hint = as_answer_array(
        answer, x.shape,
        missing="set `answer` to a list of 8 numbers, one per feature.",
        not_numbers="`answer` should be a list or array of 8 numbers.",
        wrong_shape=f"expected {x.shape[0]} numbers (one per feature), got shape {{shape}}.")
    if hint is not None:
        return verdict(False, hint=hint)

    def close(expected):
        return bool(np.allclose(got, expected, rtol=0, atol=1e-3))

    centred = x - x.mean()  # (d,)
    if close(pc.layer_norm(x, eps=eps)):
        return verdict(True, praise="mean 0 and variance 1 across the features.")
    if close(pc.rms_norm(x, eps=eps)):
        return verdict(False, hint="that is RMSNorm: LayerNorm subtracts the mean first.")
    if close(centred / x.std(ddof=1)):
        return verdict(False, hint="LayerNorm uses the biased variance: divide the sum of squares "
                                   "by d, not d - 1.")
    if close(centred / x.var()):
        return verdict(False, hint="divide by the standard deviation (the square root of the "
                                   "variance), not by the variance.")
    if close(centred):
        return verdict(False, hint="you removed the mean; now divide by the standard deviation.")
    return verdict(False, hint="subtract the mean of the 8 features, then divide by "
                               "sqrt(variance + eps).")
