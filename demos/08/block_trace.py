# One pre-LN transformer block by hand, printing the shape after every step:
#   h = x + MultiHead(LN_1(x)),  y = h + FFN(LN_2(h))
# then compared with pycore's DecoderLM (one layer) on the very same weights.
import numpy as np

import pycore as pc

T = 6  # @param {type: "slider", min: 1, max: 32, step: 1}
d_model = 32  # @param {type: "select", options: [16, 32, 64, 128]}
h = 4  # @param {type: "select", options: [1, 2, 4, 8]}
activation = "gelu"  # @param {type: "select", options: ["relu", "gelu", "swiglu"]}
B, V = 2, 50
d_ff = 4 * d_model if activation != "swiglu" else 8 * d_model // 3

config = pc.TransformerConfig(vocab_size=V, d_model=d_model, n_heads=h, n_layers=1, d_ff=d_ff,
                              max_len=32, activation=activation, norm_position="pre")
model = pc.DecoderLM(config, seed=0)
ids = np.random.default_rng(0).integers(0, V, size=(B, T))  # (B, T)
logits, diagnostics = model.forward(ids, return_diagnostics=True)
layer = model.params["layers"][0]  # the block's weights: attn_norm, attn, ffn_norm, ffn
attn, ffn = layer["attn"], layer["ffn"]
d_head = d_model // h


def show(name, array):
    print(f"{name:34s} {array.shape}")
    return array


x = show("x: embeddings + positions", diagnostics["residuals"][0])  # (B, T, d_model)
# Attention sublayer.
a_in = show("LN_1(x)", pc.layer_norm(x, layer["attn_norm"]["gamma"],
                                     layer["attn_norm"]["beta"]))  # (B, T, d_model)
q = show("q (heads)", pc.split_heads(a_in @ attn["W_q"] + attn["b_q"], h))  # (B, h, T, d_head)
k = show("k (heads)", pc.split_heads(a_in @ attn["W_k"] + attn["b_k"], h))  # (B, h, T, d_head)
v = show("v (heads)", pc.split_heads(a_in @ attn["W_v"] + attn["b_v"], h))  # (B, h, T, d_head)
weights = show("attention weights", pc.softmax(
    np.where(pc.causal_mask(T), q @ np.swapaxes(k, -1, -2) / np.sqrt(d_head), -np.inf)))
heads = show("weights @ v", weights @ v)  # (B, h, T, d_head)
attn_out = show("merge heads, then W_o", pc.merge_heads(heads) @ attn["W_o"] + attn["b_o"])
h_mid = show("h = x + attention", x + attn_out)  # (B, T, d_model)
# Feed-forward sublayer.
f_in = show("LN_2(h)", pc.layer_norm(h_mid, layer["ffn_norm"]["gamma"],
                                     layer["ffn_norm"]["beta"]))  # (B, T, d_model)
if activation == "swiglu":
    hidden = show("silu(LN_2(h) W_gate) * (LN_2(h) W_up)",
                  pc.silu(f_in @ ffn["W_gate"]) * (f_in @ ffn["W_up"]))  # (B, T, d_ff)
    ffn_out = show("hidden W_down", hidden @ ffn["W_down"])  # (B, T, d_model)
else:
    act = pc.relu if activation == "relu" else pc.gelu  # GELU in its tanh form, as GPT-2
    hidden = show(f"{activation}(LN_2(h) W1 + b1)", act(f_in @ ffn["W1"] + ffn["b1"]))
    ffn_out = show("hidden W2 + b2", hidden @ ffn["W2"] + ffn["b2"])  # (B, T, d_model)
y = show("y = h + FFN", h_mid + ffn_out)  # (B, T, d_model)

reference = diagnostics["residuals"][1]  # pycore's output of the same block
max_diff = float(np.max(np.abs(y - reference)))
if max_diff > 1e-10:
    raise AssertionError(f"hand-written block differs from pycore's by {max_diff:.2e}")
print(f"\nmax |by hand - pycore DecoderLM layer output| = {max_diff:.1e}")
print(f"logits after the final LayerNorm and unembedding: {logits.shape}")

result = {"T": T, "d_model": d_model, "h": h, "activation": activation, "d_ff": d_ff,
          "hidden_shape": list(hidden.shape), "weights_shape": list(weights.shape),
          "y_shape": list(y.shape), "max_abs_diff_vs_pycore": max_diff}
