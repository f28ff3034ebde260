# Sinusoidal position encodings (Vaswani et al. 2017, section 3.5), interleaved layout:
# PE[p, 2i] = sin(p / base^(2i/d)), PE[p, 2i+1] = cos(p / base^(2i/d)).
import matplotlib.pyplot as plt
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

fig, (ax_map, ax_sim) = plt.subplots(1, 2, figsize=(8, 3), gridspec_kw={"width_ratios": [3, 2]})
image = ax_map.imshow(pe.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1, origin="lower")
ax_map.set_xlabel("position p")
ax_map.set_ylabel("feature (2i: sin, 2i+1: cos)")
ax_map.set_title(f"PE, T={T}, d={d}, base={base:g}", fontsize=9)
fig.colorbar(image, ax=ax_map, fraction=0.05)
ax_sim.plot(offsets, similarity, label="p = 0")
ax_sim.plot(offsets[: T - 5], shifted, "--", label="p = 5")
ax_sim.set_xlabel("offset k")
ax_sim.set_title("PE[p] . PE[p+k]", fontsize=9)
ax_sim.legend(fontsize=8)
fig.tight_layout()

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
