# What do the heads of a real trained model do? This loads the book's shipped character-level
# language model (pc.load_pretrained("lm_tiny"): 2 layers x 4 heads, trained on this book's
# prose by models/train_lm.py) and measures, for every head, the average attention weight a
# position puts on the previous position (t - 1) and on itself (t), over a stretch of text.
import numpy as np

import pycore as pc

text = "the queries and keys decide where each head looks, the values what it brings back."
show_layer = 0  # @param {type: "select", options: [0, 1]}

model, tokenizer = pc.load_pretrained("lm_tiny")
T_max = model.config.max_len
ids = np.array(tokenizer.encode(text)[:T_max])[None, :]  # (1, T)
T = ids.shape[1]
_, diagnostics = model.forward(ids, return_diagnostics=True)
attention = np.stack(diagnostics["attention"])[:, 0]  # (n_layers, h, T, T)

positions = np.arange(1, T)
previous = attention[:, :, positions, positions - 1].mean(axis=-1)  # (n_layers, h)
itself = attention[:, :, positions, positions].mean(axis=-1)  # (n_layers, h)
# An order-blind head spreads its weight evenly over the t + 1 visible keys.
uniform = float(np.mean(1.0 / (positions + 1)))
layer, head = np.unravel_index(np.argmax(previous), previous.shape)

print(f"{T} characters; uniform attention puts {uniform:.3f} on t - 1")
print("layer head  weight on t-1  weight on t")
for i in range(previous.shape[0]):
    for j in range(previous.shape[1]):
        print(f"{i:5d} {j:4d}  {previous[i, j]:11.3f}  {itself[i, j]:10.3f}")
print(f"most previous-token-like: layer {layer}, head {head} ({previous[layer, head]:.3f})")

F = pc.figures
n_layers, h = previous.shape
per_head = dict(row_labels=[f"layer {i}" for i in range(n_layers)],
                col_labels=[f"head {j}" for j in range(h)], row_title="layer", col_title="head",
                annotate=True, fmt=".2f", domain=(0, 1))
F.show(
    F.panels([F.heatmap(previous, value_title="weight", title="Weight on t − 1",
                        caption="Mean weight on the previous character.", **per_head),
              F.heatmap(itself, value_title="weight", title="Weight on t itself",
                        caption="Mean weight on the character itself.", **per_head)],
             columns=2, caption=(
                 f"Each head's average weight on the previous character and on itself, over "
                 f"{T} characters; uniform attention would put {uniform:.3f} on t − 1.")),
    F.attention_view(list(text[:24]), attention[:, :, :24, :24], layer=show_layer,
                     head=int(np.argmax(previous[show_layer])), caption=(
                         "Where each of the first 24 characters reads from: queries left, keys "
                         "right. Point at or tap a character to see only its lines; the menus "
                         f"switch layer and head (layer {show_layer}'s most previous-token-like "
                         "head first).")))

result = {
    "T": T,
    "uniform": uniform,
    "previous": previous,
    "itself": itself,
    "best_layer": int(layer),
    "best_head": int(head),
    "best_previous": float(previous[layer, head]),
}
