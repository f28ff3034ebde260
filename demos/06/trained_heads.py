# What do the heads of a real trained model do? This loads the book's shipped character-level
# language model (pc.load_pretrained("lm_tiny"): 2 layers x 4 heads, trained on this book's
# prose by models/train_lm.py) and measures, for every head, the average attention weight a
# position puts on the previous position (t - 1) and on itself (t), over a stretch of text.
import matplotlib.pyplot as plt
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

h = attention.shape[1]
fig, axes = plt.subplots(1, h, figsize=(2.1 * h, 2.4))
for j, ax in enumerate(axes):
    ax.imshow(attention[show_layer, j, :24, :24], cmap="Oranges", vmin=0, vmax=1)
    ax.set_title(f"layer {show_layer}, head {j}", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("attention over the first 24 characters (row: query, column: key)", fontsize=8)

result = {
    "T": T,
    "uniform": uniform,
    "previous": previous,
    "itself": itself,
    "best_layer": int(layer),
    "best_head": int(head),
    "best_previous": float(previous[layer, head]),
}
