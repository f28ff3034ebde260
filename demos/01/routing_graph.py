# Attention as a routing graph: the characters of a sentence sit on two rows, the keys (where
# information comes from) on top and the queries (where it goes) below. Each line carries one
# attention weight of one head of the book's trained character model, drawn thicker and darker
# the larger the weight; weights of 0.1 or less are left out so the main routes stand out.
# Point at (or tap, or pick in the Token menu) a character to see only its routes.
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
every_head = np.stack([a[0] for a in diagnostics["attention"]])  # (n_layers, h, T, T)
weights = every_head[layer, head]  # (T, T): row = query, column = key

queries, keys = np.nonzero(weights > threshold)  # the edges drawn, (n_edges,) each
# The first character can only read itself (weight 1 by construction): rank the others.
later = queries > 0  # (n_edges,)
strongest = int(np.argmax(np.where(later, weights[queries, keys], -1.0)))
q_best, k_best = int(queries[strongest]), int(keys[strongest])

# Every layer and head goes into the figure (its menus switch between them); the controls
# above choose the one shown first and the one the printed numbers describe.
pc.figures.show(pc.figures.routing_graph(
    list(text), every_head, layer=layer, head=head, threshold=threshold,
    caption=(f"Where each character of {text!r} reads from: keys on top, queries below, one "
             f"line per attention weight above {threshold} (layer {layer}, head {head} "
             "first; the menus switch layer, head and token).")))

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
    "to_self": int(np.sum(back == 0)),
    "to_previous": int(np.sum(back == 1)),
}
