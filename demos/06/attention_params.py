# Parameters of one attention layer, read off the arrays pycore allocates. With h_kv = h the
# four projections are d_model x d_model each: 4 d_model^2 weights, whatever h is.
import pycore as pc

d_model = 512  # @param {type: "select", options: [64, 128, 256, 512, 768, 1024]}
h = 8  # @param {type: "select", options: [1, 2, 4, 8, 12, 16]}
h_kv = 8  # @param {type: "select", options: [1, 2, 4, 8, 12, 16]}

# A one-layer model with a tiny vocabulary and FFN: only its attention matters here.
# TransformerConfig rejects impossible choices (d_model not divisible by h, h by h_kv).
config = pc.TransformerConfig(vocab_size=8, d_model=d_model, n_heads=h, n_kv_heads=h_kv,
                              n_layers=1, d_ff=4, max_len=4)
attn = pc.init_params(config, seed=0)["layers"][0]["attn"]
d_head = config.d_head

print(f"d_model = {d_model}, h = {h}, h_kv = {h_kv}, d_head = {d_head}")
for name, array in attn.items():
    print(f"  {name}: shape {str(array.shape):14s} {array.size:>10,d} parameters")
weights = sum(a.size for name, a in attn.items() if name.startswith("W"))
biases = sum(a.size for name, a in attn.items() if name.startswith("b"))
total = weights + biases

# The same count from the shapes: W_q and W_o are d_model x (h d_head) = d_model x d_model;
# W_k and W_v are d_model x (h_kv d_head).
formula = 2 * d_model * d_model + 2 * d_model * h_kv * d_head + 2 * d_model + 2 * h_kv * d_head
if formula != total:
    raise AssertionError(f"formula {formula} != counted {total}")
four_d_squared = 4 * d_model * d_model
print(f"weights {weights:,d} + biases {biases:,d} = {total:,d}")
print(f"4 d_model^2 = {four_d_squared:,d}; this layer has {weights / four_d_squared:.3f} x that "
      f"many weights (K and V shrink by h_kv / h = {h_kv}/{h})")

result = {
    "d_model": d_model, "h": h, "h_kv": h_kv, "d_head": d_head,
    "weights": weights, "biases": biases, "total": total, "four_d_squared": four_d_squared,
}
