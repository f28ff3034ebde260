"""Chapter 09 "Check yourself": which logits of a causal decoder can a changed token affect?

In a decoder-only model the logits at position t are computed from tokens 0..t only (the causal
mask of Radford et al. 2018, section 3.1; Vaswani et al. 2017, section 3.2.3). The reader marks
the positions whose logits may change when the token at ``CAUSALITY_PROBLEM["changed"]`` is
replaced. The checker recognises the usual slips: leaving out the changed position itself,
reversing the mask, and marking every position (which is what a bidirectional encoder does).
"""
import numpy as np

from . import as_answer_array, register, verdict

CAUSALITY_PROBLEM = {"T": 10, "changed": 6}


@register("09/which_change")
def check_which_change(answer):
    """Accept a length-T boolean (or 0/1) array: True where the logits may change."""
    T, j = CAUSALITY_PROBLEM["T"], CAUSALITY_PROBLEM["changed"]
    got, hint = as_answer_array(
        answer, (T,),
        missing=f"set `answer` to {T} booleans, one per position.",
        not_numbers=f"`answer` should be a list of {T} booleans (True = may change).",
        wrong_shape=f"expected {T} values (one per position), got shape {{shape}}.")
    if hint is not None:
        return verdict(False, hint=hint)
    got = got != 0  # (T,) bool
    t = np.arange(T)  # (T,)
    if np.array_equal(got, t >= j):
        return verdict(True, praise="the changed position and every later one; earlier "
                                    "logits cannot see it.")
    if np.array_equal(got, t > j):
        return verdict(False, hint="the changed token is the input at its own position, so "
                                   "that position's logits change too.")
    if np.array_equal(got, t <= j) or np.array_equal(got, t < j):
        return verdict(False, hint="the mask points the other way: position t attends to "
                                   "positions 0..t, never to later ones.")
    if got.all():
        return verdict(False, hint="that is a bidirectional encoder; a decoder's causal mask "
                                   "hides later tokens from earlier positions.")
    return verdict(False, hint="ask, for each position t, whether token j is among the "
                               "tokens 0..t it may attend to.")
