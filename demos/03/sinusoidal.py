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

wavelengths = 2 * np.pi * base ** (2 * np.arange(d // 2) / d)  # (d/2,) one per pair

F = pc.figures
pairs = sorted({0, d // 8, d // 4})  # wavelengths 2π, 2π·base^¼ and 2π·base^½
F.show(
    F.lines(np.arange(T), {f"PE[p, {2 * i}], λ = {wavelengths[i]:.3g}": pe[:, 2 * i]
                           for i in pairs}, x_title="position p", y_title="PE[p, 2i] = sin(p·ωᵢ)",
            caption=(f"Three of the {d} features against position (T = {T}, base = {base:g}): "
                     "each pair 2i, 2i+1 turns at its own rate, from one turn every 2π "
                     "positions to one that hardly moves over these positions.")),
    F.lines(offsets[: T - 5], {"p = 0": similarity[: T - 5], "p = 5": shifted}, dashed=["p = 5"],
            x_title="offset k", y_title="PEₚ · PEₚ₊ₖ",
            caption=("The dot product of two encodings k positions apart, from p = 0 and from "
                     "p = 5: the curves coincide, since it depends on the offset k only.")),
)

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
