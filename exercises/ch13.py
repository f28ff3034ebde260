"""Chapter 13 "Check yourself": how many tokens one target call yields in speculative decoding.

A draft model proposes gamma tokens; each is accepted with probability
alpha = sum_x min(p(x), q(x)) (Leviathan, Kalman and Matias 2023, section 3.1, Definition 3.1,
assuming the positions are independent), verification stops at the first rejection, and every
round adds one token of the target's own (the replacement or the bonus token). The expected
number of tokens per round, i.e. per target call, is (1 - alpha^(gamma + 1)) / (1 - alpha)
(their equation 1). The checker recomputes alpha from the distributions of ``PROBLEM`` with
``pycore.acceptance_probability`` and recognises the usual slips.
"""
import numpy as np

import pycore as pc

from . import register, verdict

#: Target p and draft q over a 5-token vocabulary, and the number of drafts per round.
PROBLEM = {
    "p": [0.40, 0.30, 0.15, 0.10, 0.05],
    "q": [0.25, 0.45, 0.20, 0.05, 0.05],
    "gamma": 3,
}


def _alpha():
    """Expected acceptance: sum over drafts x of q(x) * min(1, p(x)/q(x))."""
    p = np.asarray(PROBLEM["p"], dtype=np.float64)
    q = np.asarray(PROBLEM["q"], dtype=np.float64)
    return float(sum(q[x] * pc.acceptance_probability(p, q, x) for x in range(p.shape[0])))


def expected_tokens(alpha, gamma):
    """(1 - alpha^(gamma + 1)) / (1 - alpha): drafts kept plus the target's own token."""
    return (1.0 - alpha ** (gamma + 1)) / (1.0 - alpha)


@register("13/tokens_per_call")
def check_tokens_per_call(answer):
    """Accept the expected tokens per target call for ``PROBLEM`` (to two decimals or finer)."""
    if answer is None:
        return verdict(False, hint="set `answer` to a number of tokens.")
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return verdict(False, hint="`answer` should be a single number.")
    if not np.isfinite(got):
        return verdict(False, hint="the expected number of tokens is a finite number.")
    alpha, gamma = _alpha(), PROBLEM["gamma"]
    p = np.asarray(PROBLEM["p"], dtype=np.float64)
    q = np.asarray(PROBLEM["q"], dtype=np.float64)

    def close(expected):
        return abs(got - expected) <= 0.006  # 2.95 for 2.952 passes

    if close(expected_tokens(alpha, gamma)):
        return verdict(True, praise="that is the expected number of tokens per target call.")
    if close(alpha):
        return verdict(False, hint="that is the acceptance rate of one draft; now count how "
                                   "many tokens a whole round produces.")
    if close(expected_tokens(alpha, gamma) - 1.0):
        return verdict(False, hint="every round also adds one token sampled by the target "
                                   "itself (the replacement or the bonus token).")
    if close(alpha * gamma + 1.0) or close(alpha * gamma):
        return verdict(False, hint="the drafts are checked in order and the round stops at the "
                                   "first rejection, so later drafts count only if all earlier "
                                   "ones were kept.")
    if close(expected_tokens(float(np.dot(p, q)), gamma)):
        return verdict(False, hint="the acceptance rate is sum over x of min(p(x), q(x)), "
                                   "not sum of p(x) q(x).")
    return verdict(False, hint="find alpha = sum min(p, q), then sum the chances that the "
                               "round reaches each token.")
