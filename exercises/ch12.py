"""Chapter 12 "Check yourself": the compute-optimal model size for a training budget.

Training a model of N parameters on D tokens costs about C = 6 N D FLOPs (Kaplan et al. 2020,
section 2.1); Hoffmann et al. (2022, section 3 and Table 3) find the compute-optimal D is about
20 tokens per parameter. The reader solves C = 6 N (20 N) for N. The checker recomputes N from
``CHINCHILLA_PROBLEM`` and recognises the usual slips (no square root, D = N, answering D).
"""
import math

from . import register, verdict

CHINCHILLA_PROBLEM = {
    "compute": 3e21,  # C, training FLOPs
    "tokens_per_parameter": 20,  # D / N at the compute optimum
}
# Readers may round to two or three significant figures.
RTOL = 0.02


def compute_optimal_params(compute, tokens_per_parameter):
    """N with 6 N D = C and D = tokens_per_parameter * N, i.e. N = sqrt(C / (6 r))."""
    return math.sqrt(compute / (6.0 * tokens_per_parameter))


@register("12/compute_optimal")
def check_compute_optimal(answer):
    """Accept the compute-optimal parameter count N for ``CHINCHILLA_PROBLEM``."""
    C = CHINCHILLA_PROBLEM["compute"]
    r = CHINCHILLA_PROBLEM["tokens_per_parameter"]
    if answer is None:
        return verdict(False, hint="set `answer` to one number: the parameter count N.")
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return verdict(False, hint="`answer` should be a single number (a parameter count).")
    if not math.isfinite(got) or got <= 0:
        return verdict(False, hint="a parameter count is a positive, finite number.")
    N = compute_optimal_params(C, r)

    def close(expected):
        return math.isclose(got, expected, rel_tol=RTOL)

    if close(N):
        return verdict(True, praise="that model size spends the budget compute-optimally.")
    if close(r * N):
        return verdict(False, hint="that is the number of training tokens D; the question asks "
                               "for the parameters N.")
    if close(compute_optimal_params(C, 1)):
        return verdict(False, hint="you set D = N; at the optimum D is about 20 times N.")
    if close(C / (6.0 * r)):
        return verdict(False, hint="C / (6 x 20) is N squared, not N: take the square root.")
    if close(C / 6.0) or close(C / (2.0 * r)):
        return verdict(False, hint="write C = 6 N D, substitute D = 20 N, then solve for N.")
    return verdict(False, hint="substitute D = 20 N into C = 6 N D and solve for N.")
