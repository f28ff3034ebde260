# Attention as a routing graph: the characters of a sentence sit on two rows, the keys (where
# information comes from) on top and the queries (where it goes) below. Each line carries one
# attention weight of one head of the book's trained character model, drawn thicker and darker
# the larger the weight; weights of 0.1 or less are left out so the main routes stand out.
import matplotlib.pyplot as plt
import numpy as np

import pycore as pc

text = "the cat sat on the mat."
layer = 0  # @param {type: "select", options: [0, 1]}
head = 2  # @param {type: "select", options: [0, 1, 2, 3]}
threshold = 0.1

model32, tokenizer = pc.load_pretrained("lm_tiny")
# A float64 copy of the float32 weights, so the page and CPython give the same weights.
flat = {name: w.astype(np.float64) for name, w in pc.flatten_params(model32.params).items()}
model = pc.DecoderLM(model32.config, pc.unflatten_params(flat, model32.params))
ids = np.array(tokenizer.encode(text))[None, :]  # (1, T)
T = ids.shape[1]
_, diagnostics = model.forward(ids, return_diagnostics=True)
weights = diagnostics["attention"][layer][0, head]  # (T, T): row = query, column = key

queries, keys = np.nonzero(weights > threshold)  # the edges drawn, (n_edges,) each
# The first character can only read itself (weight 1 by construction): rank the others.
later = queries > 0  # (n_edges,)
strongest = int(np.argmax(np.where(later, weights[queries, keys], -1.0)))
q_best, k_best = int(queries[strongest]), int(keys[strongest])

fig, ax = plt.subplots(figsize=(6.4, 2.6))
for q, k in zip(queries, keys):
    w = float(weights[q, k])
    ax.plot([k, q], [1, 0], color="tab:orange", linewidth=0.5 + 3.5 * w, alpha=0.25 + 0.75 * w)
for t, char in enumerate(text):
    shown = "_" if char == " " else char  # a space would be invisible
    ax.text(t, 1.08, shown, ha="center", va="bottom", fontsize=9, family="monospace")
    ax.text(t, -0.08, shown, ha="center", va="top", fontsize=9, family="monospace")
ax.text(-1.2, 1.08, "keys", ha="right", va="bottom", fontsize=8)
ax.text(-1.2, -0.08, "queries", ha="right", va="top", fontsize=8)
ax.set_xlim(-4.5, T)
ax.set_ylim(-0.4, 1.4)
ax.axis("off")
ax.set_title(f"layer {layer}, head {head}: where each character reads from (weights > {threshold})",
             fontsize=9)

print(f"{T} characters, {len(queries)} edges with weight > {threshold}")
print(f"strongest edge after the first character: query {q_best} ({text[q_best]!r}) reads "
      f"key {k_best} ({text[k_best]!r}) with weight {weights[q_best, k_best]:.3f}")
back = queries - keys  # (n_edges,) how far back each edge reaches
print(f"edges to the same character: {int(np.sum(back == 0))}, "
      f"to the previous one: {int(np.sum(back == 1))}, further back: {int(np.sum(back > 1))}")

result = {
    "T": T,
    "layer": layer,
    "head": head,
    "threshold": threshold,
    "n_edges": len(queries),
    "strongest": [q_best, k_best, float(weights[q_best, k_best])],
    "to_previous": int(np.sum(back == 1)),
}
