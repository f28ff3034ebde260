# Multi-head attention two ways: a Python loop over heads, and one reshape + transpose
# (pc.split_heads) that runs every head as one batched matrix product. Same numbers.
import numpy as np

import pycore as pc

d_model = 768  # @param {type: "select", options: [64, 128, 256, 512, 768]}
h = 12  # @param {type: "select", options: [1, 2, 4, 8, 12, 16]}
T = 128  # @param {type: "slider", min: 8, max: 256, step: 8}
B = 1

if d_model % h != 0:
    raise ValueError(f"d_model = {d_model} is not divisible by h = {h}; pick another pair")
d_head = d_model // h

rng = np.random.default_rng(0)
x = rng.standard_normal((B, T, d_model))  # (B, T, d_model)
W_q, W_k, W_v, W_o = (rng.standard_normal((d_model, d_model)) / np.sqrt(d_model)
                      for _ in range(4))
Q, K, V = x @ W_q, x @ W_k, x @ W_v  # each (B, T, d_model)
mask = pc.causal_mask(T)  # (T, T)

# 1) The loop: head i owns columns i*d_head ... (i+1)*d_head - 1 of Q, K and V.
head_outputs = []
for i in range(h):
    cols = slice(i * d_head, (i + 1) * d_head)
    head_i = pc.scaled_dot_product_attention(Q[..., cols], K[..., cols], V[..., cols],
                                             mask)  # (B, T, d_head)
    head_outputs.append(head_i)
loop_out = np.concatenate(head_outputs, axis=-1) @ W_o  # (B, T, d_model)

# 2) Batched: move the heads into a batch axis, attend once, move them back.
q = pc.split_heads(Q, h)  # (B, h, T, d_head)
k = pc.split_heads(K, h)  # (B, h, T, d_head)
v = pc.split_heads(V, h)  # (B, h, T, d_head)
scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d_head)  # (B, h, T, T)
heads = pc.scaled_dot_product_attention(q, k, v, mask)  # (B, h, T, d_head)
batched_out = pc.merge_heads(heads) @ W_o  # (B, T, d_model)

# 3) The sum-over-heads view: concat then W_O equals the sum of each head times its
#    own d_head rows of W_O.
sum_out = sum(heads[:, i] @ W_o[i * d_head:(i + 1) * d_head] for i in range(h))  # (B, T, d_model)

# The classic bug: reshape straight to (B, h, T, d_head) without the transpose. The shape
# is right, but each "head" now holds pieces of several tokens.
wrong_q = Q.reshape(B, h, T, d_head)  # (B, h, T, d_head), rows scrambled
wrong_diff = float(np.max(np.abs(wrong_q - q)))

loop_diff = float(np.max(np.abs(loop_out - batched_out)))
sum_diff = float(np.max(np.abs(sum_out - batched_out)))
if loop_diff > 1e-10 or sum_diff > 1e-10:
    raise AssertionError(f"views disagree: loop {loop_diff:.2e}, sum {sum_diff:.2e}")

print(f"d_model = {d_model}, h = {h}  ->  d_head = d_model / h = {d_head}")
print(f"Q, K, V after split_heads: {q.shape}")
print(f"scores, one per head:      {scores.shape}  (one head: {scores.shape[-2:]})")
print(f"heads after attention:     {heads.shape}")
print(f"merge_heads(...) @ W_O:    {batched_out.shape}")
print(f"max |loop - batched|       = {loop_diff:.1e}")
print(f"max |sum over heads - concat| = {sum_diff:.1e}")
print(f"reshape without transpose: same shape {wrong_q.shape}, max |difference| = {wrong_diff:.2f}")

result = {
    "d_model": d_model,
    "h": h,
    "T": T,
    "d_head": d_head,
    "q_shape": list(q.shape),
    "scores_shape": list(scores.shape),
    "loop_max_abs_diff": loop_diff,
    "sum_max_abs_diff": sum_diff,
    "reshape_only_max_abs_diff": wrong_diff,
}
