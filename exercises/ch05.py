"""Chapter 05 "Check yourself": predict the variance of a scaled score, then measure it.

Vaswani et al. (2017, section 3.2.1, footnote 4) assume unit-variance query and key entries,
so q . k has variance d_k and q . k / sqrt(d_k) has variance 1. Here the entries have other
variances, and the reader predicts Var(q . k / sqrt(d_k)) before the demo measures it. For
independent, zero-mean entries each product q_i k_i has variance Var(q_i) Var(k_i), the d_k
products add, and dividing by sqrt(d_k) divides the variance by d_k: the answer is
Var(q_i) Var(k_i), whatever d_k is. The checker recognises the usual slips and never prints
the answer.
"""
import numpy as np

from . import register, verdict

#: The setting of the prediction: independent zero-mean entries with these variances.
SCORE_VARIANCE_PROBLEM = {"d_k": 64, "var_q": 2.0, "var_k": 3.0}
# "To one decimal" in the page: a prediction within 0.3 of the answer counts.
TOLERANCE = 0.3


def score_variance(d_k, var_q, var_k, scaled=True):
    """Var(q . k), divided by d_k if ``scaled`` (the score is divided by sqrt(d_k))."""
    variance = d_k * var_q * var_k  # d_k independent products, each of variance var_q var_k
    return variance / d_k if scaled else variance


def _slips(d_k, var_q, var_k):
    """Typical wrong predictions, each with its hint."""
    right = score_variance(d_k, var_q, var_k)
    return [
        (1.0, "the scaling cancels the growth with d_k, not the entries' own variances: "
              "what is the variance of one product q_i k_i here?"),
        (var_q + var_k, "for independent zero-mean factors the variance of a product is the "
                        "product of the variances, not their sum."),
        (score_variance(d_k, var_q, var_k, scaled=False), "that is the variance of the raw "
                                                          "dot product: the score is divided "
                                                          "by sqrt(d_k) first."),
        (right * np.sqrt(d_k), "dividing a number by sqrt(d_k) divides its variance by d_k, "
                               "not by sqrt(d_k)."),
        (right / d_k, "the d_k products add their variances before the division by d_k: "
                      "the two cancel."),
        (np.sqrt(right), "that is a standard deviation; the question asks for the variance."),
    ]


@register("05/score_variance")
def check_score_variance(answer):
    """Accept Var(q . k / sqrt(d_k)) for ``SCORE_VARIANCE_PROBLEM``, within ``TOLERANCE``."""
    p = SCORE_VARIANCE_PROBLEM
    if answer is None:
        return verdict(False, hint="write your prediction in `prediction` first, then run.")
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return verdict(False, hint="`prediction` should be one number, the variance.")
    if not np.isfinite(got) or got < 0:
        return verdict(False, hint="a variance is a finite number, 0 or more.")
    right = score_variance(p["d_k"], p["var_q"], p["var_k"])
    if abs(got - right) <= TOLERANCE:
        return verdict(True, praise="each product has variance Var(q_i) Var(k_i); the d_k of "
                                    "them add up, and the scaling divides by d_k again.")
    for wrong, hint in _slips(p["d_k"], p["var_q"], p["var_k"]):
        if abs(got - wrong) <= TOLERANCE * max(1.0, wrong / right):
            return verdict(False, hint=hint)
    return verdict(False, hint="start from one product q_i k_i: its mean is 0, so its "
                               "variance is E[q_i^2] E[k_i^2]. Then add d_k of them and "
                               "divide by d_k.")
