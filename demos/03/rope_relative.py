# RoPE (Su et al. 2021): rotate q at position m and k at position n; their dot product then
# depends only on m - n. Here the same q and k are placed at every pair of positions.
import numpy as np

import pycore as pc

shift = 100  # @param {type: "slider", min: 0, max: 1000, step: 10}
T, d_head = 24, 16
rng = np.random.default_rng(7)
q = rng.standard_normal(d_head)  # (d_head,) one query vector
k = rng.standard_normal(d_head)  # (d_head,) one key vector

positions = np.arange(T)
q_rot = pc.apply_rope(np.tile(q, (T, 1)), positions)  # (T, d_head): q placed at m = 0..T-1
k_rot = pc.apply_rope(np.tile(k, (T, 1)), positions)  # (T, d_head): k placed at n = 0..T-1
scores = q_rot @ k_rot.T  # (T, T): scores[m, n] = q_m . k_n


def toeplitz_error(s):
    """Largest spread of s along any diagonal m - n = const (0 if s depends on m - n only)."""
    return max(np.ptp(np.diagonal(s, offset)) for offset in range(-(len(s) - 1), len(s)))


# Move every position by `shift`: the same offsets give the same scores.
q_far = pc.apply_rope(np.tile(q, (T, 1)), positions + shift)  # (T, d_head)
k_far = pc.apply_rope(np.tile(k, (T, 1)), positions + shift)  # (T, d_head)
shift_error = np.max(np.abs(q_far @ k_far.T - scores))

# Compare: adding sinusoidal encodings to q and k does not give a function of m - n alone.
pe = pc.sinusoidal_positions(T, d_head)  # (T, d_head)
additive = (q + pe) @ (k + pe).T  # (T, T)

norm_error = np.max(np.abs(np.linalg.norm(q_rot, axis=1) - np.linalg.norm(q)))

# Each RoPE diagonal holds equal scores up to rounding (1e-15), which differs between NumPy
# builds; rounded to 10 decimals, the page and CPython agree on which equal cell is largest.
pc.figures.show(pc.figures.panels([
    pc.figures.heatmap(np.round(s, 10), diverging=True, row_title="query position m",
                       col_title="key position n", value_title=name, title=title,
                       caption=f"{title} for every m and n.")
    for s, name, title in ((scores, "score", "RoPE: (Rₘq)·(Rₙk)"),
                           (additive, "score", "added: (q + PEₘ)·(k + PEₙ)"))],
    columns=1, caption=(
        "The same q and k at every pair of positions. Follow any diagonal m − n = constant: "
        "with RoPE (first panel) its colour never changes, because the score depends on "
        "m − n only; with added encodings (second panel) it does.")))

print(f"RoPE: spread along diagonals      {toeplitz_error(scores):.2e}")
print(f"RoPE: all positions moved by {shift}: {shift_error:.2e}")
print(f"added PE: spread along diagonals  {toeplitz_error(additive):.3f}")
print(f"rotation keeps norms: max change  {norm_error:.2e}")

result = {
    "shift": shift,
    "toeplitz_error": float(toeplitz_error(scores)),
    "shift_error": float(shift_error),
    "additive_toeplitz_error": float(toeplitz_error(additive)),
    "norm_error": float(norm_error),
    "scores_row0": scores[0],
}
