# Follow one prompt through the book's trained character model and print the shape of every
# tensor on the way. Each step is computed here by hand, with pycore's small functions and the
# model's own weights; at the end the hand-made logits are compared with model.forward's.
import numpy as np

import pycore as pc

prompt = "attention is"  # @param {type: "select", options: ["attention is", "the model", "a key"]}

model32, tokenizer = pc.load_pretrained("lm_tiny")
config = model32.config
# The weights ship as float32; a float64 copy makes the hand-made pass and model.forward agree
# to float64 rounding, identically in CPython and in the page.
flat = {name: w.astype(np.float64) for name, w in pc.flatten_params(model32.params).items()}
params = pc.unflatten_params(flat, model32.params)
model = pc.DecoderLM(config, params)
h = config.n_heads
steps = []


def record(step, array):
    """Keep every step's shape; print layer 0's and the ends (layer 1 repeats layer 0),
    marking with <- the steps that change the shape."""
    shape = list(array.shape)
    changed = not steps or steps[-1][1] != shape
    steps.append([step, shape])
    if not step.startswith("L1 "):
        print(f"{step:34s} {str(tuple(shape)):16s}{' <-' if changed else ''}")
    elif step == "L1 LayerNorm" and steps[-2][0] == "L0 residual add":
        print("L1 ... the same 14 steps and shapes as L0")


ids = np.array(tokenizer.encode(prompt))[None, :]  # (B, T) with B = 1
B, T = ids.shape
positions = np.arange(T)  # (T,) used by RoPE
record("token ids", ids)
x = params["tokens"][ids]  # (B, T, d_model): one row of the embedding table per character
record("embedding lookup", x)

for i, layer in enumerate(params["layers"]):
    p = layer["attn"]
    a_in = pc.layer_norm(x, layer["attn_norm"]["gamma"], layer["attn_norm"]["beta"])
    record(f"L{i} LayerNorm", a_in)
    q = a_in @ p["W_q"] + p["b_q"]  # (B, T, h d_head)
    k = a_in @ p["W_k"] + p["b_k"]  # (B, T, h d_head)
    v = a_in @ p["W_v"] + p["b_v"]  # (B, T, h d_head)
    record(f"L{i} Q = x W_Q (K, V alike)", q)
    q = pc.apply_rope(pc.split_heads(q, h), positions)  # (B, h, T, d_head), rotated by position
    k = pc.apply_rope(pc.split_heads(k, h), positions)  # (B, h, T, d_head)
    v = pc.split_heads(v, h)  # (B, h, T, d_head)
    record(f"L{i} split heads (Q, K, V)", q)
    d_head = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d_head)  # (B, h, T, T)
    scores = np.where(pc.causal_mask(T, T), scores, -np.inf)  # no peeking at later characters
    record(f"L{i} scores Q K^T / sqrt(d_head)", scores)
    weights = pc.softmax(scores, axis=-1)  # (B, h, T, T), each row sums to 1
    record(f"L{i} attention weights", weights)
    mixed = weights @ v  # (B, h, T, d_head)
    record(f"L{i} weights @ V", mixed)
    merged = pc.merge_heads(mixed)  # (B, T, h d_head)
    record(f"L{i} merge heads", merged)
    attn_out = merged @ p["W_o"] + p["b_o"]  # (B, T, d_model)
    record(f"L{i} W_O", attn_out)
    x = x + attn_out  # (B, T, d_model)
    record(f"L{i} residual add", x)
    f = layer["ffn"]
    f_in = pc.layer_norm(x, layer["ffn_norm"]["gamma"], layer["ffn_norm"]["beta"])
    record(f"L{i} LayerNorm", f_in)
    up = f_in @ f["W1"] + f["b1"]  # (B, T, d_ff)
    record(f"L{i} FFN up", up)
    act = pc.gelu(up)  # (B, T, d_ff)
    record(f"L{i} GELU", act)
    down = act @ f["W2"] + f["b2"]  # (B, T, d_model)
    record(f"L{i} FFN down", down)
    x = x + down  # (B, T, d_model)
    record(f"L{i} residual add", x)

x = pc.layer_norm(x, params["final_norm"]["gamma"], params["final_norm"]["beta"])
record("final LayerNorm", x)
logits = x @ params["tokens"].T  # (B, T, V): tied embeddings, E^T is the output matrix
record("logits (x E^T)", logits)

reference = model.forward(ids)  # (B, T, V)
max_diff = float(np.max(np.abs(logits - reference)))
print(f"max |hand-made logits - model.forward| = {max_diff:.2e}")

probs = pc.softmax(logits[0, -1])  # (V,) next-character distribution
top = np.argsort(-probs)[:5]
print(f"after {prompt!r} the model expects:")
for j in top:
    print(f"  {tokenizer.decode([int(j)])!r:6s} {probs[j]:.3f}")

result = {
    "prompt": prompt,
    "n_layers": config.n_layers,
    "h": h,
    "d_model": config.d_model,
    "d_ff": config.d_ff,
    "V": config.vocab_size,
    "n_params": pc.count_parameters(config),
    "B": B,
    "T": T,
    "d_head": d_head,
    "steps": steps,
    "n_steps": len(steps),
    "max_diff": max_diff,
    "top5": [tokenizer.decode([int(j)]) for j in top],
    "top5_probs": [float(probs[j]) for j in top],
}
