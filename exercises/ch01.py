"""Chapter 01 "Check yourself": predict how the tensors grow when the prompt doubles.

The reader predicts, before running anything, by what factor the number of values in one
layer's attention scores and in the residual stream grow when the book's trained character
model (``pycore.load_pretrained("lm_tiny")``) reads a prompt twice as long. Each head scores
every (query, key) pair (Vaswani et al. 2017, section 3.2.1, eq. 1), so the scores grow with
T x T, while the residual stream keeps one d_model vector per position. The checker measures
both factors by running the model at T and 2T, and recognises the usual slips: thinking the
scores grow like the stream, or the stream like the scores, or swapping the two.
"""
import numpy as np

import pycore as pc

from . import register, verdict

#: The prompt lengths the exercise compares: T characters, then 2 T.
GROWTH_PROBLEM = {"T": 20}


def measured_sizes(T):
    """Numbers held by layer 0's attention scores and by the residual stream, for one prompt
    of ``T`` characters run through the shipped model: ``(scores, residual)``."""
    model, _ = pc.load_pretrained("lm_tiny")
    ids = np.zeros((1, T), dtype=np.int64)  # (1, T): the content does not change any shape
    _, diagnostics = model.forward(ids, return_diagnostics=True)
    scores = diagnostics["attention"][0]  # (1, h, T, T), the weights have the scores' shape
    residual = diagnostics["residuals"][0]  # (1, T, d_model)
    return int(scores.size), int(residual.size)


def growth_factors():
    """(scores factor, residual factor) when the prompt goes from T to 2 T, measured."""
    T = GROWTH_PROBLEM["T"]
    small, large = measured_sizes(T), measured_sizes(2 * T)
    return large[0] / small[0], large[1] / small[1]


def _close(got, want):
    return abs(got - want) <= 0.05 * want


@register("01/growth")
def check_growth(answer):
    """Accept ``(scores factor, residual factor)``: two numbers, any reasonable rounding."""
    if answer is None:
        return verdict(False, hint="write your prediction as two numbers, e.g. (3, 1.5): "
                                   "the factor for the scores, then for the residual stream.")
    try:
        scores, residual = (float(n) for n in answer)
    except (TypeError, ValueError):
        return verdict(False, hint="`prediction` should be two numbers in parentheses: the "
                                   "scores' factor, then the residual stream's.")
    right_scores, right_residual = growth_factors()
    if _close(scores, right_scores) and _close(residual, right_residual):
        return verdict(True, praise="the residual stream holds one vector per position, the "
                                    "scores one number per pair of positions, so doubling the "
                                    "prompt doubles one and quadruples the other.")
    if _close(scores, right_residual) and _close(residual, right_scores):
        return verdict(False, hint="you have the two factors, but in the wrong order: the "
                                   "scores come first.")
    if _close(residual, right_residual):
        return verdict(False, hint="the residual stream is right. A score belongs to a pair "
                                   "(query, key): how many pairs does each head score?")
    if _close(scores, right_scores):
        return verdict(False, hint="the scores are right. The residual stream holds one "
                                   "d_model vector per position, nothing per pair.")
    return verdict(False, hint="count what each tensor holds per position: the residual stream "
                               "one vector, each head's scores one row over all the keys.")
