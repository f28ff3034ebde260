"""Chapter 01 "Check yourself": the shape of the attention scores in the shipped model.

The reader feeds a batch of B sequences of T characters to the book's trained character model
(``pycore.load_pretrained("lm_tiny")``) and gives the shape of one layer's attention scores.
Every head compares every query with every key (Vaswani et al. 2017, section 3.2.1, eq. 1,
applied per head as in section 3.2.2), so the scores have one T x T matrix per head and per
sequence. The checker gets the right shape by running the model and reading the attention
weights it returns (same shape as the scores), and recognises the usual slips: the residual
stream's shape, a head's queries, and leaving out the batch or the heads.
"""
import numpy as np

import pycore as pc

from . import register, verdict

#: The batch of the exercise: B sequences of T characters each.
SHAPE_PROBLEM = {"B": 3, "T": 50}


def _model():
    model, _ = pc.load_pretrained("lm_tiny")
    return model


def _scores_shape():
    """Run the model on a dummy batch and read the shape of layer 0's attention."""
    model = _model()
    ids = np.zeros((SHAPE_PROBLEM["B"], SHAPE_PROBLEM["T"]), dtype=np.int64)  # (B, T)
    _, diagnostics = model.forward(ids, return_diagnostics=True)
    return tuple(int(n) for n in diagnostics["attention"][0].shape)


@register("01/scores_shape")
def check_scores_shape(answer):
    """Accept the shape of one layer's attention scores as a tuple or list of ints."""
    if answer is None:
        return verdict(False, hint="set `answer` to a tuple of whole numbers, like (2, 5).")
    try:
        got = tuple(int(n) for n in answer)
    except (TypeError, ValueError):
        return verdict(False, hint="`answer` should be a tuple of whole numbers, like (2, 5).")
    right = _scores_shape()
    if got == right:
        return verdict(True, praise="one score for every (query, key) pair, per head and per "
                                    "sequence.")
    config = _model().config
    B, T = SHAPE_PROBLEM["B"], SHAPE_PROBLEM["T"]
    h, d_head = config.n_heads, config.d_model // config.n_heads
    if got == (B, T, config.d_model):
        return verdict(False, hint="that is the shape of the residual stream, the tokens' "
                                   "vectors; a score belongs to a pair of positions.")
    if got == (B, h, T, d_head):
        return verdict(False, hint="that is the shape of the queries split into heads; the "
                                   "scores compare each query with each key.")
    if got in ((T, T), (B, T, T), (h, T, T)):
        return verdict(False, hint="the pairs of positions are right, but some of the axes "
                                   "the model keeps separate are missing.")
    if len(got) != len(right):
        return verdict(False, hint=f"the scores have {len(right)} axes; name each one "
                                   "before you count it.")
    return verdict(False, hint="list the axes in the order the model keeps them: batch first, "
                               "then heads, then queries and keys.")
