# What do the heads of a real trained model do? This loads the book's shipped character-level
# language model (pc.load_pretrained("lm_tiny"): 2 layers x 4 heads, trained on this book's
# prose by models/train_lm.py) and splits each head's attention, averaged over the characters
# of a text, into five disjoint parts that sum to 1: the character itself, the one before, the
# one two back, earlier spaces (word boundaries), and everything else earlier. Each head is
# labelled by its largest part. Then an induction test: on a random string repeated twice, an
# induction head would look from each character of the copy to the character that followed it
# the first time.
import numpy as np

import pycore as pc

text = "the queries and keys decide where each head looks, the values what it brings back."
layer_shown = 1  # @param {type: "select", options: [0, 1]}

model, tokenizer = pc.load_pretrained("lm_tiny")
ids = np.array(tokenizer.encode(text)[:model.config.max_len])[None, :]  # (1, T)
T = ids.shape[1]
chars = text[:T]


def attention_of(token_ids):
    """Every layer's and head's weights for one sequence: (n_layers, h, T, T)."""
    _, diagnostics = model.forward(token_ids, return_diagnostics=True)
    return np.stack(diagnostics["attention"])[:, 0]


attention = attention_of(ids)
n_layers, h = attention.shape[:2]
t = np.arange(2, T)  # queries with two characters before them
is_space = np.array([c == " " for c in chars])  # (T,)
earlier = np.arange(T)[None, :] <= (t - 3)[:, None]  # (T - 2, T): keys at or before t - 3
parts = {
    "itself": attention[:, :, t, t],
    "previous character": attention[:, :, t, t - 1],
    "two back": attention[:, :, t, t - 2],
    "earlier spaces": (attention[:, :, t, :] * (earlier & is_space)).sum(axis=-1),
    "rest of the past": (attention[:, :, t, :] * (earlier & ~is_space)).sum(axis=-1),
}  # each (n_layers, h, T - 2)
names = list(parts)
share = np.stack([parts[name].mean(axis=-1) for name in names], axis=-1)  # (L, h, 5)
labels = [[names[int(np.argmax(share[i, j]))] for j in range(h)] for i in range(n_layers)]
# An order-blind head spreads its weight evenly over the t + 1 visible keys.
uniform = float(np.mean(1.0 / (t + 1)))
space_uniform = float(np.mean((earlier & is_space).sum(axis=-1) / (t + 1)))
previous = share[:, :, 1]  # (L, h)
best_layer, best_head = np.unravel_index(np.argmax(previous), previous.shape)
space_layer, space_head = np.unravel_index(np.argmax(share[:, :, 3]), previous.shape)

# Induction test: 20 random letters, then the same 20 again.
n = 20
letters = np.array(tokenizer.encode("abcdefghijklmnopqrstuvwxyz"))
once = np.random.default_rng(0).choice(letters, size=n)  # (n,)
repeated = attention_of(np.concatenate([once, once])[None, :])  # (L, h, 2n, 2n)
second = np.arange(n, 2 * n - 1)  # queries in the copy with a known successor
induction = repeated[:, :, second, second - n + 1].mean(axis=-1)  # (L, h)
induction_uniform = float(np.mean(1.0 / (second + 1)))

print(f"{T} characters; uniform attention puts {uniform:.3f} on any one earlier position")
print("layer head " + " ".join(f"{name[:10]:>10}" for name in names) + "  label")
for i in range(n_layers):
    for j in range(h):
        print(f"{i:5d} {j:4d} " + " ".join(f"{x:10.2f}" for x in share[i, j])
              + f"  {labels[i][j]}")
# An induction head would put far more than uniform weight there (Olsson et al. 2022 report
# heads that put most of it there); call it one if it beats uniform twice over.
has_induction_head = bool(induction.max() > 2 * induction_uniform)
print(f"induction weight (repeated random string): at most {induction.max():.3f} against "
      f"{induction_uniform:.3f} for uniform attention: "
      + ("an induction head" if has_induction_head else "no induction head"))

F = pc.figures
short = dict(zip(names, ["itself", "t − 1", "t − 2", "spaces", "rest"]))  # column labels
rows = [f"L{i} H{j} · {short[labels[i][j]]}" for i in range(n_layers) for j in range(h)]
F.show(
    F.heatmap(share.reshape(n_layers * h, len(names)), row_labels=rows,
              col_labels=[short[name] for name in names],
              annotate=True, fmt=".2f", domain=(0, 1), row_title="layer, head · label",
              col_title="where the weight goes", value_title="share", caption=(
                  f"Each head's attention over {T} characters, split into five parts that "
                  "sum to 1: the character itself, the one before, two back, earlier spaces "
                  "and the rest of the past. A head is labelled by its largest part.")),
    F.attention_view(list(chars[:24]), attention[:, :, :24, :24], layer=layer_shown,
                     head=int(np.argmax(previous[layer_shown])), caption=(
                         "Where each of the first 24 characters reads from: queries left, keys "
                         "right. Point at or tap a character to see only its lines; the menus "
                         f"switch layer and head (it opens on layer {layer_shown}'s strongest "
                         "previous-character head).")))

result = {
    "T": T, "names": names, "share": share, "labels": labels,
    "uniform": uniform, "space_uniform": space_uniform,
    "best_layer": int(best_layer), "best_head": int(best_head),
    "best_previous": float(previous[best_layer, best_head]),
    "space_layer": int(space_layer), "space_head": int(space_head),
    "best_space": float(share[space_layer, space_head, 3]),
    "induction": induction, "induction_max": float(induction.max()),
    "induction_uniform": induction_uniform, "has_induction_head": has_induction_head,
}
