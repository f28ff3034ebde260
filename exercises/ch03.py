"""Chapter 03 "Check yourself": one row of the sinusoidal position encoding.

The reader computes PE[p] for the position and width in ``SINUSOID_PROBLEM`` in the original
interleaved layout, PE[p, 2i] = sin(p / base^(2i/d)), PE[p, 2i+1] = cos(p / base^(2i/d))
(Vaswani et al. 2017, section 3.5). The checker recomputes it with ``pycore`` and recognises
the usual slips: the sin-half/cos-half layout, sin and cos swapped, the exponent i/d instead
of 2i/d, and counting positions from 1. It never prints the solution.
"""
import numpy as np

import pycore as pc

from . import as_answer_array, register, verdict

SINUSOID_PROBLEM = {"p": 3, "d": 8, "base": 10000.0}
# Readers may type values rounded to three decimals.
ATOL = 1e-3


def sinusoid_candidates():
    """The right row and the typical wrong ones, each of shape (d,), float64."""
    p, d, base = SINUSOID_PROBLEM["p"], SINUSOID_PROBLEM["d"], SINUSOID_PROBLEM["base"]
    right = pc.sinusoidal_positions(p + 1, d, base)[p]  # (d,)
    angles = p / base ** (2 * np.arange(d // 2) / d)  # (d/2,)
    swapped = np.empty(d)
    swapped[0::2], swapped[1::2] = np.cos(angles), np.sin(angles)
    half_exponent = np.empty(d)
    slow = p / base ** (np.arange(d // 2) / d)  # exponent i/d: frequencies decay too slowly
    half_exponent[0::2], half_exponent[1::2] = np.sin(slow), np.cos(slow)
    return {
        "right": right,
        "halves": np.concatenate([np.sin(angles), np.cos(angles)]),
        "swapped": swapped,
        "exponent": half_exponent,
        "from_one": pc.sinusoidal_positions(p + 2, d, base)[p + 1],
    }


_HINTS = {
    "halves": "that is the sin-half / cos-half layout; this chapter interleaves: feature 2i "
              "is a sine and feature 2i+1 the cosine of the same angle.",
    "swapped": "sine and cosine are swapped: even features (2i) hold the sine.",
    "exponent": "check the exponent: pair i uses base^(2i/d), not base^(i/d).",
    "from_one": "positions count from 0 here; this looks like the row of the next position.",
}


@register("03/sinusoid_row")
def check_sinusoid_row(answer):
    """Accept PE[p] of shape (d,) for the problem's p, d and base."""
    candidates = sinusoid_candidates()
    d = SINUSOID_PROBLEM["d"]
    got, hint = as_answer_array(
        answer, (d,),
        missing=f"set `answer` to an array of {d} numbers.",
        not_numbers=f"`answer` should be a list or array of {d} numbers.",
        wrong_shape=f"expected {d} numbers (one per feature), got shape {{shape}}.")
    if hint is not None:
        return verdict(False, hint=hint)
    for name, expected in candidates.items():
        if np.allclose(got, expected, rtol=0.0, atol=ATOL):
            if name == "right":
                return verdict(True, praise="that is PE[p], interleaved sin/cos pairs.")
            return verdict(False, hint=_HINTS[name])
    return verdict(False, hint="pair i has angle p / base^(2i/d); feature 2i is its sine, "
                               "feature 2i+1 its cosine.")
