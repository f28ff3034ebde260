# The FFN treats every token on its own: shuffling the tokens and then applying the FFN
# gives the same rows as applying the FFN and then shuffling. Attention mixes tokens, so
# changing one token changes other tokens' attention outputs, but only that token's FFN output.
import numpy as np

import pycore as pc

activation = "swiglu"  # @param {type: "select", options: ["relu", "gelu", "swiglu"]}
T = 8  # @param {type: "slider", min: 2, max: 32, step: 1}
changed = 2  # @param {type: "slider", min: 0, max: 31, step: 1}
d_model, d_ff = 16, 64
changed = min(changed, T - 1)

rng = np.random.default_rng(0)
x = rng.standard_normal((T, d_model))  # (T, d_model)
if activation == "swiglu":
    params = {"W_gate": rng.standard_normal((d_model, d_ff)) / 4,
              "W_up": rng.standard_normal((d_model, d_ff)) / 4,
              "W_down": rng.standard_normal((d_ff, d_model)) / 8}
else:
    params = {"W1": rng.standard_normal((d_model, d_ff)) / 4, "b1": np.zeros(d_ff),
              "W2": rng.standard_normal((d_ff, d_model)) / 8, "b2": np.zeros(d_model)}

perm = rng.permutation(T)  # a random reordering of the T positions
ffn_then_shuffle = pc.feed_forward(x, params, activation)[perm]  # (T, d_model)
shuffle_then_ffn = pc.feed_forward(x[perm], params, activation)  # (T, d_model)
perm_err = float(np.max(np.abs(ffn_then_shuffle - shuffle_then_ffn)))
if perm_err > 1e-12:
    raise AssertionError(f"FFN does not commute with the permutation: error {perm_err:.2e}")
print(f"permutation {perm.tolist()}")
print(f"max |FFN(x)[perm] - FFN(x[perm])| = {perm_err:.1e}")

# Change one token and see which output rows move.
x_edit = x.copy()
x_edit[changed] += rng.standard_normal(d_model)  # perturb token `changed` only
ffn_moved = np.abs(pc.feed_forward(x_edit, params, activation)
                   - pc.feed_forward(x, params, activation)).max(axis=-1)  # (T,)
mask = pc.causal_mask(T)  # (T, T)
attn_moved = np.abs(pc.scaled_dot_product_attention(x_edit, x_edit, x_edit, mask)
                    - pc.scaled_dot_product_attention(x, x, x, mask)).max(axis=-1)  # (T,)
print(f"\nchange token {changed}; max change of each output row:")
print("position   FFN        causal attention")
for t in range(T):
    print(f"{t:8d}   {ffn_moved[t]:.1e}    {attn_moved[t]:.1e}")
ffn_rows = [int(t) for t in np.nonzero(ffn_moved > 1e-12)[0]]
attn_rows = [int(t) for t in np.nonzero(attn_moved > 1e-12)[0]]
print(f"rows the FFN changed: {ffn_rows}; rows attention changed: {attn_rows}")

result = {
    "activation": activation,
    "permutation_max_abs_diff": perm_err,
    "changed": changed,
    "ffn_rows_changed": ffn_rows,
    "attention_rows_changed": attn_rows,
}
