# Nearest neighbours in a trained embedding: the book's character model (lm_tiny), trained on
# its own prose. Nobody told it which characters belong together; training put characters
# that occur in similar contexts (and predict similar next characters) near each other.
import numpy as np

import pycore as pc

query = "3"  # @param {type: "select", options: ["3", "e", "T", ",", "$", " "]}

model, tokenizer = pc.load_pretrained("lm_tiny")
E = model.params["tokens"].astype(np.float64)  # (V, d_model): one trained row per character
chars = [tokenizer.decode([i]) for i in range(E.shape[0])]
unit = E / np.linalg.norm(E, axis=1, keepdims=True)  # (V, d_model)
cosine = unit @ unit.T  # (V, V) cosine similarity of every pair of rows

q = chars.index(query)
order = [int(j) for j in np.argsort(-cosine[q], kind="stable") if j != q][:10]

# Character classes a reader would name, checked over the whole vocabulary: how similar the
# rows of a class are to each other, to the rest, and how many have a classmate as nearest.
classes = {"digits": "0123456789", "vowels": "aeiou", "upper case": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
           "punctuation": ".,;:!?"}
stats = {}
for name, members in classes.items():
    inside = [chars.index(c) for c in members]
    outside = [j for j in range(len(chars)) if j not in inside]
    block = cosine[np.ix_(inside, inside)]  # (n, n)
    nearest = [int(np.argsort(-cosine[i], kind="stable")[1]) for i in inside]
    stats[name] = {
        "within": float(block[~np.eye(len(inside), dtype=bool)].mean()),
        "outside": float(cosine[np.ix_(inside, outside)].mean()),
        "nearest_inside": sum(j in inside for j in nearest),
        "size": len(inside),
    }

F = pc.figures
F.show(F.bars(
    [repr(chars[j])[1:-1] or "space" for j in order], [cosine[q, j] for j in order],
    domain=(-1, 1), annotate=True, fmt=".2f", x_title="character, nearest first",
    y_title=f"cosine similarity to {query!r}",
    caption=f"The ten rows of lm_tiny's embedding that point most nearly the way the row of "
            f"{query!r} does."))
F.show(F.table(
    {"class": list(stats), "mean cosine inside": [s["within"] for s in stats.values()],
     "mean cosine to the rest": [s["outside"] for s in stats.values()],
     "nearest neighbour inside": [f"{s['nearest_inside']} of {s['size']}"
                                  for s in stats.values()]},
    formats={"mean cosine inside": ".2f", "mean cosine to the rest": ".2f"},
    caption="Rows of a class point the same way far more than they point at the rest."))
print(f"nearest to {query!r}:", ", ".join(f"{chars[j]!r} ({cosine[q, j]:.2f})" for j in order[:5]))

result = {
    "query": query,
    "neighbours": [chars[j] for j in order],
    "similarities": [float(cosine[q, j]) for j in order],
    "classes": stats,
    "V": len(chars),
}
