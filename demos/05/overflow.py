# Naive softmax overflows; subtracting the maximum first does not change the answer and never
# overflows (softmax is unchanged when the same constant is added to every score).
import numpy as np

import pycore as pc

shift = 1000.0  # @param {type: "slider", min: 0, max: 1000, step: 10}
dtype = "float64"  # @param {type: "select", options: ["float64", "float32", "float16"]}
# (3,) the same gaps, moved up by `shift`, in the chosen floating-point format
scores = (np.array([1.0, 2.0, 3.0]) + shift).astype(dtype)

# exp(x) is finite only up to x = ln(largest finite number of the format): float64 is what
# NumPy computes in by default; attention kernels on GPUs compute in float32, bfloat16 or
# float16.
exp_limits = {name: float(np.log(float(np.finfo(name).max)))
              for name in ("float64", "float32", "float16")}
# NumPy has no bfloat16: float32's 8 exponent bits with 7 fraction bits, so its largest
# finite number is (2 - 2^-7) 2^127.
exp_limits["bfloat16"] = float(np.log((2.0 - 2.0 ** -7) * 2.0 ** 127))


def naive_softmax(x):
    e = np.exp(x)  # overflows to inf once x passes exp_limits[dtype]
    return e / e.sum()


def stable_softmax(x):
    e = np.exp(x - x.max())  # every exponent <= 0, the largest is exp(0) = 1
    return e / e.sum()


with np.errstate(over="ignore", invalid="ignore"):  # we *want* to see the overflow here
    naive = naive_softmax(scores)
stable = stable_softmax(scores)
library = pc.softmax(scores.astype(np.float64))

print("scores        ", scores)
print("naive softmax ", naive)
print("stable softmax", stable)
print("pc.softmax    ", library)
for name, limit in exp_limits.items():
    print(f"largest {name} score whose exp is finite: {limit:.2f}")

result = {
    "shift": shift,
    "naive_finite": bool(np.all(np.isfinite(naive))),
    "stable": stable,
    "dtype": dtype,
    "stable_vs_pycore": float(np.max(np.abs(stable - library))),
    "exp_limit": exp_limits["float64"],
    "exp_limits": exp_limits,
}
