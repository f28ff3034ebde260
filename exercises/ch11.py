"""Chapter 11 "Check yourself": the nucleus (top-p) distribution of one row of logits.

The reader keeps the smallest set of most likely tokens whose probability reaches p and
renormalises (Holtzman et al. 2020, section 3.1, eq. 2-3). The checker recomputes the answer
with ``pycore.sampling_probs`` and recognises the usual slips: no renormalisation, dropping the
token that crosses p, no filtering at all, and answering with logits instead of probabilities.
"""
import numpy as np

import pycore as pc

from . import as_answer_array, register, verdict

# Round probabilities so the reader can follow the cumulative sum by hand; the order is
# shuffled, so sorting is part of the exercise.
_PROBS = np.array([0.10, 0.02, 0.40, 0.05, 0.15, 0.25, 0.03])  # (V,) = (7,)
NUCLEUS_PROBLEM = {"logits": np.log(_PROBS) + 1.5, "p": 0.7}  # a constant shift changes nothing
ATOL = 0.006  # any answer rounded to two decimals or finer passes


def _masked(probs, keep):
    return np.where(keep, probs, 0.0)


@register("11/nucleus")
def check_nucleus(answer):
    """Accept the top-p distribution (V,) of ``NUCLEUS_PROBLEM`` (renormalised, zeros elsewhere)."""
    logits, p = NUCLEUS_PROBLEM["logits"], NUCLEUS_PROBLEM["p"]
    probs = pc.softmax(logits)  # (V,)
    got, hint = as_answer_array(
        answer, probs.shape,
        missing="set `answer` to an array of 7 probabilities, one per token.",
        not_numbers="`answer` should be a list or array of 7 numbers.",
        wrong_shape=f"expected {probs.shape[0]} probabilities (one per token), got shape "
                    "{shape}.")
    if hint is not None:
        return verdict(False, hint=hint)

    def close(expected):
        return bool(np.allclose(got, expected, rtol=0.0, atol=ATOL))

    expected = pc.sampling_probs(logits, top_p=p)  # (V,)
    keep = expected > 0  # (V,)
    order = np.argsort(-probs, kind="stable")
    short = np.zeros_like(keep)
    short[order[: int(keep.sum()) - 1]] = True  # the nucleus without the token that crosses p
    if close(expected):
        return verdict(True, praise="that is the nucleus, renormalised to sum to 1.")
    if close(_masked(probs, keep)):
        return verdict(False, hint="right tokens, but the kept probabilities should be "
                                   "renormalised so they sum to 1.")
    if close(_masked(probs, short) / probs[short].sum()) or close(_masked(probs, short)):
        return verdict(False, hint="the nucleus is the smallest set whose mass *reaches* p: "
                                   "keep adding tokens until the running sum is at least p, "
                                   "including the one that crosses it.")
    if close(probs):
        return verdict(False, hint="this is the unfiltered softmax; drop the unlikely tail.")
    if close(logits):
        return verdict(False, hint="these are logits; turn them into probabilities first.")
    if not np.isclose(got.sum(), 1.0, atol=ATOL):
        return verdict(False, hint="a distribution sums to 1.")
    return verdict(False, hint="softmax, sort by probability, accumulate until the sum "
                               "reaches p, zero the rest, renormalise.")
