# Every matrix dimension of a pre-LN attention sublayer, x + Attention(LayerNorm(x)),
# read from the arrays themselves (.shape) while the ops run, then checked against
# pc.multi_head_attention on the same weights.
import numpy as np

import pycore as pc

B = 2  # @param {type: "slider", min: 1, max: 8, step: 1}
T = 10  # @param {type: "slider", min: 1, max: 64, step: 1}
d_model = 64  # @param {type: "select", options: [16, 32, 64, 128, 256]}
h = 8  # @param {type: "select", options: [1, 2, 4, 8, 16]}
h_kv = 2  # @param {type: "select", options: [1, 2, 4, 8, 16]}

if d_model % h != 0:
    raise ValueError(f"d_model = {d_model} must be divisible by h = {h}")
if h % h_kv != 0:
    raise ValueError(f"h = {h} must be a multiple of h_kv = {h_kv} (query heads share K/V heads)")
d_head = d_model // h
group = h // h_kv  # query heads per key/value head

rng = np.random.default_rng(0)
params = {
    "W_q": rng.standard_normal((d_model, h * d_head)) / np.sqrt(d_model),
    "W_k": rng.standard_normal((d_model, h_kv * d_head)) / np.sqrt(d_model),
    "W_v": rng.standard_normal((d_model, h_kv * d_head)) / np.sqrt(d_model),
    "W_o": rng.standard_normal((h * d_head, d_model)) / np.sqrt(d_model),
    "b_q": np.zeros(h * d_head), "b_k": np.zeros(h_kv * d_head),
    "b_v": np.zeros(h_kv * d_head), "b_o": np.zeros(d_model),
}
rows = []


def step(name, array):
    """Record the array's shape under a readable name and pass the array on."""
    rows.append((name, tuple(array.shape)))
    return array


x = step("x (residual stream)", rng.standard_normal((B, T, d_model)))
x_norm = step("LayerNorm(x)", pc.layer_norm(x))
Q = step("Q = LN(x) W_q + b_q", x_norm @ params["W_q"] + params["b_q"])
K = step("K = LN(x) W_k + b_k", x_norm @ params["W_k"] + params["b_k"])
V = step("V = LN(x) W_v + b_v", x_norm @ params["W_v"] + params["b_v"])
q = step("split Q into h heads", pc.split_heads(Q, h))
k = step("split K into h_kv heads", pc.split_heads(K, h_kv))
v = step("split V into h_kv heads", pc.split_heads(V, h_kv))
k_shared = step("K repeated for each query group", np.repeat(k, group, axis=1))
v_shared = np.repeat(v, group, axis=1)  # (B, h, T, d_head), like k_shared
scores = step("scores q k^T / sqrt(d_head)", q @ np.swapaxes(k_shared, -1, -2) / np.sqrt(d_head))
scores = np.where(pc.causal_mask(T), scores, -np.inf)  # future keys get -inf
weights = step("weights = softmax(scores)", pc.softmax(scores, axis=-1))
heads = step("heads = weights v", weights @ v_shared)
merged = step("merge heads", pc.merge_heads(heads))
attn = step("attention output (merged W_o + b_o)", merged @ params["W_o"] + params["b_o"])
out = step("x + attention output", x + attn)

reference = pc.multi_head_attention(x_norm, params, h, n_kv_heads=h_kv, mask=pc.causal_mask(T))
max_diff = float(np.max(np.abs(reference - attn)))
if max_diff > 1e-10:
    raise AssertionError(f"step-by-step attention differs from pc's by {max_diff:.2e}")

print(f"B = {B}, T = {T}, d_model = {d_model}, h = {h}, h_kv = {h_kv} -> d_head = {d_head}")
for name in ("W_q", "W_k", "W_v", "W_o"):
    print(f"  {name}: {params[name].shape}")
print()
width = max(len(name) for name, _ in rows)
for name, shape in rows:
    print(f"{name:{width}s}  {shape}")
print(f"\nmax |step-by-step - pc.multi_head_attention| = {max_diff:.1e}")

result = {
    "config": {"B": B, "T": T, "d_model": d_model, "h": h, "h_kv": h_kv, "d_head": d_head},
    "shapes": {name: list(shape) for name, shape in rows},
    "max_abs_diff_vs_pycore": max_diff,
}
