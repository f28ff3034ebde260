# The FFN's non-linearities: ReLU, GELU in its exact (erf) and tanh forms, SiLU, and the
# SwiGLU gate silu(a) * b, which multiplies two linear projections of the same token.
import numpy as np

import pycore as pc

x_max = 4.0  # @param {type: "slider", min: 1, max: 8, step: 0.5}
b = 1.0  # @param {type: "slider", min: -2, max: 2, step: 0.25}

x = np.linspace(-x_max, x_max, 401)  # (401,)
curves = {
    "ReLU": pc.relu(x),
    "GELU": pc.gelu(x, approximate="none"),  # exact, with erf
    "GELU (tanh)": pc.gelu(x, approximate="tanh"),  # the tanh approximation
    "SiLU": pc.silu(x),  # x·σ(x)
}
# The two GELU forms, compared on a wide fixed grid (independent of the slider).
wide = np.linspace(-10.0, 10.0, 4001)  # (4001,)
gelu_gap = np.abs(pc.gelu(wide, approximate="none") - pc.gelu(wide, approximate="tanh"))
worst_x = abs(float(wide[np.argmax(gelu_gap)]))  # the gap is even in x
print(f"max |GELU exact - GELU tanh| on [-10, 10] = {gelu_gap.max():.2e} at |x| = {worst_x:.2f}")
print(f"smallest value of GELU (exact): {pc.gelu(wide, approximate='none').min():.4f}; "
      f"of SiLU: {pc.silu(wide).min():.4f}  (ReLU never goes below 0)")

F = pc.figures
gate = {"SwiGLU: silu(a)·b": pc.silu(x) * b,
        "ReGLU: relu(a)·b": pc.relu(x) * b}  # b: the second projection
F.show(F.panels([
    F.lines(x, curves, dashed=["GELU (tanh)"], x_title="x", y_title="f(x)",
            title="activations", caption="ReLU, GELU (exact and tanh forms) and SiLU = x·σ(x)."),
    F.lines(x, gate, dashed=["ReGLU: relu(a)·b"], x_title="a = x·W_gate", y_title="gate output",
            title=f"a GLU gate, b = {b:g}", caption="A gated unit: the gate silu(a) scales b."),
], columns=1, caption=(
    "Top: the activations agree far from 0 and differ near it, where GELU and SiLU dip "
    "slightly below 0 and the two GELU forms lie on top of each other. Bottom: a GLU "
    "multiplies the gate by a second projection b of the same token, which scales the curve "
    "and, when negative, flips it.")))

result = {
    "gelu_max_abs_diff": float(gelu_gap.max()),
    "gelu_max_diff_at": worst_x,
    "gelu_min": float(pc.gelu(wide, approximate="none").min()),
    "silu_min": float(pc.silu(wide).min()),
}
