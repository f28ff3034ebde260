# Sinusoidal position encodings (Vaswani et al. 2017, section 3.5), interleaved layout:
# PE[p, 2i] = sin(p / base^(2i/d)), PE[p, 2i+1] = cos(p / base^(2i/d)).
import numpy as np

import pycore as pc

T = 64  # @param {type: "slider", min: 8, max: 256, step: 8}
d = 32  # @param {type: "slider", min: 8, max: 128, step: 8}
base = 10000.0  # @param {type: "select", options: [100.0, 1000.0, 10000.0]}

pe = pc.sinusoidal_positions(T, d, base)  # (T, d)

# The same thing from the formula, to see that there is nothing more to it.
p = np.arange(T)[:, None]  # (T, 1)
i = np.arange(d // 2)[None, :]  # (1, d/2) pair index
angle = p / base ** (2 * i / d)  # (T, d/2)
by_hand = np.stack([np.sin(angle), np.cos(angle)], axis=-1).reshape(T, d)  # interleave

# PE[p] . PE[p + k] = sum_i cos(k * w_i): it depends on the offset k only, not on p.
offsets = np.arange(T)
similarity = pe @ pe[0]  # (T,) PE[0] . PE[k]
shifted = np.array([pe[5] @ pe[5 + k] for k in range(T - 5)])  # same, starting at p = 5

F = pc.figures
F.show(
    F.heatmap(pe.T, diverging=True, domain=(-1, 1), col_title="position p",
              row_labels=[f"{j} {'cos' if j % 2 else 'sin'}" for j in range(d)],
              row_title="feature (2i: sin, 2i+1: cos)", value_title="PE",
              caption=(f"Sinusoidal encodings, T = {T}, d = {d}, base = {base:g}: each column "
                       "is one position's vector. The first features turn fast, the last "
                       "ones hardly change over these positions.")),
    F.lines(offsets[: T - 5], {"p = 0": similarity[: T - 5], "p = 5": shifted}, dashed=["p = 5"],
            x_title="offset k", y_title="PEₚ · PEₚ₊ₖ",
            caption=("The dot product of two encodings k positions apart, from p = 0 and from "
                     "p = 5: the curves coincide, since it depends on the offset k only.")),
)

wavelengths = 2 * np.pi * base ** (2 * np.arange(d // 2) / d)
print(f"shortest wavelength {wavelengths[0]:.2f} positions, longest {wavelengths[-1]:.1f}")
print("max |pycore - formula| =", np.max(np.abs(pe - by_hand)))

result = {
    "shape": pe.shape,
    "formula_error": float(np.max(np.abs(pe - by_hand))),
    "shortest_wavelength": float(wavelengths[0]),
    "longest_wavelength": float(wavelengths[-1]),
    "offset_only_error": float(np.max(np.abs(similarity[: T - 5] - shifted))),
    "norm": float(np.linalg.norm(pe[0])),  # every row has norm sqrt(d / 2)
}
