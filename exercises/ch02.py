"""Chapter 02 "Check yourself": how many parameters weight tying saves.

With tying (Press and Wolf 2017; Vaswani et al. 2017, section 3.4) the output projection,
which maps d_model features to V logits, reuses the (V, d_model) embedding matrix E instead
of holding its own. The reader counts what that saves for the sizes in ``TYING_PROBLEM``
(GPT-2 small: Radford et al. 2019). The checker recognises the usual slips and never prints
the solution.
"""
import numpy as np

from . import register, verdict

TYING_PROBLEM = {"V": 50257, "d_model": 768}


def tying_candidates():
    """The right count and the typical wrong ones (ints)."""
    V, d = TYING_PROBLEM["V"], TYING_PROBLEM["d_model"]
    return {
        "right": V * d,  # the output matrix (d_model, V) no longer exists on its own
        "both": 2 * V * d,
        "with_bias": V * d + V,
        "sum": V + d,
        "square": d * d,
    }


_HINTS = {
    "both": "tying shares one matrix between the input and the output: one copy remains.",
    "with_bias": "count only the weight matrix; an output bias (if any) is not shared.",
    "sum": "a matrix mapping d_model features to V logits has one entry per (feature, token).",
    "square": "the output projection maps d_model features to V logits, not to d_model.",
}


@register("02/weight_tying")
def check_weight_tying(answer):
    """Accept the number of parameters saved by tying the output layer to E."""
    if answer is None:
        return verdict(False, hint="set `answer` to a whole number of parameters.")
    value = float(np.asarray(answer, dtype=float))
    candidates = tying_candidates()
    for name, expected in candidates.items():
        if value == expected:
            if name == "right":
                return verdict(True, praise="the whole output matrix is saved.")
            return verdict(False, hint=_HINTS[name])
    return verdict(False, hint="how many entries does the output projection matrix have?")
