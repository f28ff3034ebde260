# The same character, before and after the model's layers. Its embedding row is one fixed
# vector wherever the character stands; the residual stream after the layers of lm_tiny
# (the book's character model) has mixed in what came before, so each copy differs.
import numpy as np

import pycore as pc

text = "the cat sat on the mat; that is the end."
char = "t"  # @param {type: "select", options: ["t", "a", "e", " "]}

model32, tokenizer = pc.load_pretrained("lm_tiny")
# A float64 copy of the float32 weights: the page and CPython compute the same numbers.
flat = {name: w.astype(np.float64) for name, w in pc.flatten_params(model32.params).items()}
model = pc.DecoderLM(model32.config, pc.unflatten_params(flat, model32.params))
ids = np.array(tokenizer.encode(text))[None, :]  # (1, T)
_, diagnostics = model.forward(ids, return_diagnostics=True)
residuals = diagnostics["residuals"]  # L + 1 arrays (1, T, d_model): input, after each layer

where = [i for i, c in enumerate(text) if c == char]  # positions of the character
labels = [f"{text[max(0, i - 3):i + 1]!r}@{i}" for i in where]  # a little context each


def cosines(x):
    """(n, n) cosine similarity between the rows of x (n, d_model), to 10 decimals: equal
    vectors give 1 exactly, so the page and CPython agree on which equal cell is largest."""
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    return np.round(unit @ unit.T, 10)


before = cosines(residuals[0][0, where])  # (n, n): embedding rows, all the same vector
after = cosines(residuals[-1][0, where])  # (n, n): after the last layer
off = ~np.eye(len(where), dtype=bool)

F = pc.figures
F.show(F.panels([
    F.heatmap(before, row_labels=labels, col_labels=labels, domain=(-1, 1), diverging=True,
              annotate=True, title="embedding rows",
              caption="Cosine similarity of the copies' input vectors: all 1."),
    F.heatmap(after, row_labels=labels, col_labels=labels, domain=(-1, 1), diverging=True,
              annotate=True, title=f"after {len(residuals) - 1} layers",
              caption="Cosine similarity of the same copies after the layers."),
], columns=2, caption=f"Every {char!r} in {text!r}: one embedding row (first), "
                      "different vectors once the layers have read the context (second)."))
print(f"{char!r} occurs at positions {where}")
print(f"largest difference between the copies' embedding rows: "
      f"{np.max(np.abs(np.ptp(residuals[0][0, where], axis=0))):.1g}")
print(f"after the layers, cosine between copies: from {after[off].min():.2f} "
      f"to {after[off].max():.2f}")

result = {
    "char": char,
    "positions": where,
    "input_spread": float(np.max(np.ptp(residuals[0][0, where], axis=0))),
    "after_min_cosine": float(after[off].min()),
    "after_max_cosine": float(after[off].max()),
    "after_mean_cosine": float(after[off].mean()),
    "n_layers": len(residuals) - 1,
}
