"""Chapter 09 "Check yourself": how far a changed token reaches through a stack (predict, run).

A causal decoder of ``WINDOW_PROBLEM["layers"]`` blocks whose attention is also limited to a
sliding window: position t reads positions t - (window - 1) .. t only (as in Mistral's
sliding-window attention). The token at ``changed`` is replaced. Which positions' outputs can
change? One block carries the change at most window - 1 positions forward; the next block
carries it as far again, so the reach grows with depth (Vaswani et al. 2017, section 3.2.3,
for the causal mask). The reader predicts, then the checker runs a randomly initialised pycore
stack with that mask and prints which outputs really moved.
"""
import numpy as np

import pycore as pc

from . import as_answer_array, register, verdict

WINDOW_PROBLEM = {"T": 12, "changed": 3, "window": 3, "layers": 2}


def window_mask(T, window):
    """(T, T) bool: query t may read key s when t - window < s <= t."""
    t, s = np.arange(T)[:, None], np.arange(T)[None, :]
    return (s <= t) & (s > t - window)


def reach(layers, problem=WINDOW_PROBLEM):
    """(T,) bool: the positions whose output moves after ``layers`` blocks, by running them."""
    T, changed, window = problem["T"], problem["changed"], problem["window"]
    config = pc.TransformerConfig(vocab_size=2, d_model=16, n_heads=2, n_layers=layers, d_ff=32,
                                  max_len=T)
    params = pc.init_params(config, seed=0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, T, 16))  # (1, T, d_model): the embedded tokens
    y = x.copy()
    y[0, changed] = rng.standard_normal(16)  # another token's embedding at that position
    mask = window_mask(T, window)[None, None]  # (1, 1, T, T)
    for layer in params["layers"]:
        x = pc.block(x, layer, config, mask=mask)
        y = pc.block(y, layer, config, mask=mask)
    return np.abs(y - x).max(axis=-1)[0] > 1e-12  # (T,)


@register("09/window_reach")
def check_window_reach(answer):
    """Accept the positions whose output can change; then show what the stack did."""
    T, changed, window = (WINDOW_PROBLEM[k] for k in ("T", "changed", "window"))
    got, hint = as_answer_array(
        answer, (T,), missing="set `answer` to T True/False values, one per position.",
        not_numbers="`answer` should be True/False (or 1/0) values.",
        wrong_shape="`answer` has shape {shape}; give one value per position, " + f"({T},).")
    if hint is not None:
        return verdict(False, hint=hint)
    got = got.astype(bool)
    moved = reach(WINDOW_PROBLEM["layers"])
    seen = f" The stack's outputs moved at positions {np.flatnonzero(moved).tolist()}."
    if np.array_equal(got, moved):
        return verdict(True, praise="each block carries the change at most window - 1 "
                                    "positions further, so two blocks reach twice as far "
                                    "as one." + seen)
    if got[:changed].any():
        return verdict(False, hint="the mask is causal: a position before the changed one "
                                   "never reads it, in any layer.")
    if np.array_equal(got, reach(1)):
        return verdict(False, hint="that is one block's reach. The second block reads "
                                   "positions the first one already changed.")
    if got[changed:].all():
        return verdict(False, hint="the window limits how far each block reads back: can "
                                   "position T - 1 see anything that changed?")
    return verdict(False, hint=f"follow the change block by block: after one, which positions "
                               f"have position {changed} inside their window of {window}?")
