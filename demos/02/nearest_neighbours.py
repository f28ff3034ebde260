# Nearest neighbours in an embedding. This one is not a transformer's: it is a small
# count-based embedding trained here in a fraction of a second (co-occurrence counts ->
# positive PMI -> truncated SVD), on sentences drawn from a toy grammar. Words used in the
# same contexts end up close, which is also what training does to a transformer's E.
import numpy as np

import pycore as pc

query = "cat"  # @param {type: "select", options: ["cat", "bread", "kitchen", "runs", "red"]}
dims = 6  # @param {type: "slider", min: 2, max: 12, step: 1}

rng = np.random.default_rng(0)
classes = {
    "animal": ["cat", "dog", "horse", "bird"],
    "food": ["bread", "cheese", "apple", "soup"],
    "place": ["kitchen", "garden", "house", "park"],
    "eat": ["eats", "likes", "wants"],
    "move": ["walks", "runs", "sleeps"],
    "adjective": ["red", "green", "small", "old"],
}
templates = [
    ["the", "adjective", "animal", "eat", "the", "food"],
    ["the", "animal", "move", "in", "the", "place"],
    ["a", "adjective", "food", "is", "in", "the", "place"],
]
sentences = []
for _ in range(400):
    template = templates[rng.integers(len(templates))]
    sentences.append([rng.choice(classes[slot]) if slot in classes else slot
                      for slot in template])

vocab = sorted({w for s in sentences for w in s})
index = {w: i for i, w in enumerate(vocab)}
V = len(vocab)

# Co-occurrence within a window of 2 words on either side.
counts = np.zeros((V, V))  # (V, V)
for s in sentences:
    for i, w in enumerate(s):
        for j in range(max(0, i - 2), min(len(s), i + 3)):
            if j != i:
                counts[index[w], index[s[j]]] += 1

# Positive pointwise mutual information: how much more often than chance two words co-occur.
total = counts.sum()
expected = counts.sum(1, keepdims=True) * counts.sum(0, keepdims=True) / total  # (V, V)
with np.errstate(divide="ignore"):
    ppmi = np.maximum(np.log(counts / expected), 0.0)  # log 0 = -inf -> 0
U, S, _ = np.linalg.svd(ppmi)
E = U[:, :dims] * S[:dims]  # (V, dims): one embedding row per word
unit = E / np.linalg.norm(E, axis=1, keepdims=True)  # (V, dims)
cosine = unit @ unit[index[query]]  # (V,) cosine similarity to the query
order = [i for i in np.argsort(-cosine) if vocab[i] != query][:5]
neighbours = [vocab[i] for i in order]
same_class = [c for c, members in classes.items() if query in members][0]

print(f"{len(sentences)} sentences, V = {V} words, E has shape {E.shape}")
print(f"nearest to {query!r}:", ", ".join(f"{vocab[i]} ({cosine[i]:.2f})" for i in order))

top = [i for i in np.argsort(-cosine) if vocab[i] != query][:10]
pc.figures.show(pc.figures.bars(
    [vocab[i] for i in top], [cosine[i] for i in top], domain=(-1, 1), annotate=True,
    fmt=".2f", x_title="word, nearest first", y_title=f"cosine similarity to {query!r}",
    caption=(f"The ten words whose embeddings point most nearly the way {query!r}'s does: "
             f"the other {same_class} words come first, though nobody told the embedding "
             "which words belong together.")))

result = {
    "query": query,
    "neighbours": neighbours,
    "similarities": [float(cosine[i]) for i in order],
    "same_class_in_top3": sum(w in classes[same_class] for w in neighbours[:3]),
    "V": V,
}
