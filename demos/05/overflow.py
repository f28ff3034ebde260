# Naive softmax overflows; subtracting the maximum first does not change the answer and never
# overflows (softmax is unchanged when the same constant is added to every score).
import numpy as np

import pycore as pc

shift = 1000.0  # @param {type: "slider", min: 0, max: 1000, step: 10}
scores = np.array([1.0, 2.0, 3.0]) + shift  # (3,) the same gaps, moved up by `shift`


def naive_softmax(x):
    e = np.exp(x)  # overflows to inf once x > ~709.78 in float64
    return e / e.sum()


def stable_softmax(x):
    e = np.exp(x - x.max())  # every exponent <= 0, the largest is exp(0) = 1
    return e / e.sum()


with np.errstate(over="ignore", invalid="ignore"):  # we *want* to see the overflow here
    naive = naive_softmax(scores)
stable = stable_softmax(scores)
library = pc.softmax(scores)

print("scores        ", scores)
print("naive softmax ", naive)
print("stable softmax", stable)
print("pc.softmax    ", library)
print("largest float64 whose exp is finite:", np.log(np.finfo(np.float64).max))

result = {
    "shift": shift,
    "naive_finite": bool(np.all(np.isfinite(naive))),
    "stable": stable,
    "stable_vs_pycore": float(np.max(np.abs(stable - library))),
    "exp_limit": float(np.log(np.finfo(np.float64).max)),
}
