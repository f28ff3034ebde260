# The FFN's non-linearities: ReLU, GELU in its exact (erf) and tanh forms, SiLU, and the
# SwiGLU gate silu(a) * b, which multiplies two linear projections of the same token.
import matplotlib.pyplot as plt
import numpy as np

import pycore as pc

x_max = 4.0  # @param {type: "slider", min: 1, max: 8, step: 0.5}
b = 1.0  # @param {type: "slider", min: -2, max: 2, step: 0.25}

x = np.linspace(-x_max, x_max, 401)  # (401,)
curves = {
    "ReLU": pc.relu(x),
    "GELU (exact, erf)": pc.gelu(x, approximate="none"),
    "GELU (tanh approx.)": pc.gelu(x, approximate="tanh"),
    "SiLU = x sigmoid(x)": pc.silu(x),
}
# The two GELU forms, compared on a wide fixed grid (independent of the slider).
wide = np.linspace(-10.0, 10.0, 4001)  # (4001,)
gelu_gap = np.abs(pc.gelu(wide, approximate="none") - pc.gelu(wide, approximate="tanh"))
worst_x = abs(float(wide[np.argmax(gelu_gap)]))  # the gap is even in x
print(f"max |GELU exact - GELU tanh| on [-10, 10] = {gelu_gap.max():.2e} at |x| = {worst_x:.2f}")
print(f"smallest value of GELU (exact): {pc.gelu(wide, approximate='none').min():.4f}; "
      f"of SiLU: {pc.silu(wide).min():.4f}  (ReLU never goes below 0)")

fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.2))
for (label, y), style in zip(curves.items(), ("-", "-", "--", "-.")):
    left.plot(x, y, style, label=label)
left.axhline(0, color="gray", lw=0.5)
left.axvline(0, color="gray", lw=0.5)
left.set_xlabel("x")
left.set_title("activations")
left.legend(fontsize=7)
# SwiGLU: the gate silu(a) scales the value b of a second projection (b fixed by the slider).
right.plot(x, pc.silu(x) * b, label=f"silu(a) * b, b = {b:g}")
right.plot(x, pc.relu(x) * b, ":", label=f"relu(a) * b (ReGLU), b = {b:g}")
right.axhline(0, color="gray", lw=0.5)
right.set_xlabel("a = x W_gate")
right.set_title("a GLU gate")
right.legend(fontsize=7)
fig.tight_layout()

result = {
    "gelu_max_abs_diff": float(gelu_gap.max()),
    "gelu_max_diff_at": worst_x,
    "gelu_min": float(pc.gelu(wide, approximate="none").min()),
    "silu_min": float(pc.silu(wide).min()),
}
