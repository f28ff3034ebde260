"""Chapter 03 "Check yourself": which position pairs give RoPE the same score?

With RoPE (Su et al. 2021) a query at position m and a key at position n are
rotated by m and n times the frequencies theta_i, and their score depends on the signed offset
m - n only: q^T R_{n-m} k. The reader is given one pair, ``ROPE_PROBLEM["reference"]``, and
picks, from ``ROPE_PROBLEM["pairs"]``, those where the same q and k get the same score. The
checker computes every score with ``pycore.apply_rope`` on a fixed random q and k, and
recognises the usual slips: treating the offset as a distance (sign dropped), and believing
that large absolute positions change the score.
"""
import numpy as np

import pycore as pc

from . import as_letter_set, register, verdict

#: The reference pair (query position, key position) and the candidates, by letter.
ROPE_PROBLEM = {
    "reference": (5, 2),
    "pairs": {"A": (8, 5), "B": (2, 5), "C": (12, 9), "D": (5, 5), "E": (103, 100),
              "F": (6, 2)},
}


def rope_score(m, n, d=8, seed=0):
    """The score of a fixed random query at position m and key at position n, under RoPE."""
    q, k = np.random.default_rng(seed).standard_normal((2, 1, d))  # (1, d) each
    q_m = pc.apply_rope(q, np.array([m]))  # (1, d) rotated by m theta_i
    k_n = pc.apply_rope(k, np.array([n]))  # (1, d) rotated by n theta_i
    return float(q_m[0] @ k_n[0])


def same_score_pairs():
    """The letters whose pair scores like the reference (to rounding), computed."""
    reference = rope_score(*ROPE_PROBLEM["reference"])
    return {letter for letter, (m, n) in ROPE_PROBLEM["pairs"].items()
            if abs(rope_score(m, n) - reference) < 1e-9 * max(1.0, abs(reference))}


@register("03/rope_offset")
def check_rope_offset(answer):
    """Accept the letters of the same-score pairs (a set, a list or "A, C"; any case)."""
    pairs = ROPE_PROBLEM["pairs"]
    got, hint = as_letter_set(answer, pairs, example='{"A", "D"}')
    if hint is not None:
        return verdict(False, hint=hint)
    right = same_score_pairs()
    if got == right:
        return verdict(True, praise="only the signed offset m - n enters the score, wherever "
                                    "the two positions are.")
    m0, n0 = ROPE_PROBLEM["reference"]
    mirrored = {letter for letter, (m, n) in pairs.items() if m - n == n0 - m0}
    if got & mirrored:
        return verdict(False, hint="the score depends on the signed offset m - n, not on the "
                                   "distance: a key 3 after the query is not a key 3 before.")
    if not got:
        return verdict(False, hint="none at all? Compare each pair's m - n with the "
                                   "reference's.")
    if got < right:
        return verdict(False, hint="some pairs are missing: only the offset matters, however "
                                   "large m and n are.")
    return verdict(False, hint="compare m - n, not m or n alone, with the reference pair's.")
