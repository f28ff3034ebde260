# Causal and padding masks. A blocked score becomes -inf *before* the
# softmax, so its weight is exactly 0 and every row still sums to 1
# (Vaswani et al. 2017, section 3.2.3).
import numpy as np

import pycore as pc

mask_kind = "both"  # @param {type: "select", options: ["none", "causal", "padding", "both"]}
T = 6  # @param {type: "slider", min: 2, max: 10, step: 1}
n_padding = 2  # @param {type: "slider", min: 0, max: 9, step: 1}

d_k = 8
# Keep one real token: a query that may see no key has no softmax.
n_padding = min(n_padding, T - 1)
# RandomState: the legacy generator, same numbers in every NumPy version.
rng = np.random.RandomState(0)
q = rng.standard_normal((T, d_k))  # (T, d_k)
k = rng.standard_normal((T, d_k))  # (T, d_k)
v = rng.standard_normal((T, d_k))  # (T, d_v) with d_v = d_k

allowed = np.ones((T, T), dtype=bool)  # (T, T): True = i may see j
if mask_kind in ("causal", "both"):
    allowed &= pc.causal_mask(T)  # (T, T): no peeking ahead
if mask_kind in ("padding", "both"):
    # Padding blocks keys only: (B, 1, 1, T) -> (T,), the same for
    # every query row.
    allowed &= pc.padding_mask([T - n_padding], T)[0, 0, 0]

scores = q @ k.T / np.sqrt(d_k)  # (T, T)
masked_scores = np.where(allowed, scores, -np.inf)  # (T, T)
weights = pc.softmax(masked_scores, axis=-1)  # (T, T)
out, lib_weights = pc.scaled_dot_product_attention(
    q, k, v, mask=allowed, return_weights=True)  # (T, d_v), (T, T)

np.set_printoptions(precision=2, suppress=True, linewidth=100)
print(f"mask: {mask_kind}, T = {T}, padding tokens = {n_padding}")
print("masked scores (-inf = blocked):\n", masked_scores)
row_sums = weights.sum(axis=-1)  # (T,)
blocked = weights[~allowed]  # (n_blocked,)
blocked_max = float(blocked.max()) if blocked.size else 0.0
print("row sums:", row_sums)
print("largest weight on a blocked key:", blocked_max)
print("pycore attention, same weights:", np.allclose(lib_weights, weights))

pc.figures.show(pc.figures.heatmap(
    weights, masked=~allowed, annotate=T <= 8, fmt=".2f", domain=(0, 1),
    row_title="query position i", col_title="key position j", value_title="weight",
    caption=(f"Attention weights with mask = {mask_kind} (T = {T}, {n_padding} padding "
             "tokens): masked cells are hatched, their weight is exactly 0, and every "
             "row still sums to 1.")))

result = {
    "mask_kind": mask_kind, "T": T, "n_padding": n_padding,
    "allowed": allowed, "weights": weights,
    "row_sums": row_sums,
    "blocked_weight_max": blocked_max,
    "blocked_all_exactly_zero": bool(np.all(blocked == 0.0)),
}
