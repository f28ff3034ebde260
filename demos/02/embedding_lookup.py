# An embedding is a lookup table: multiplying a one-hot row by E picks out one row of E.
# The table knows nothing about position: a bag (sum) of embeddings ignores word order.
import numpy as np

import pycore as pc

words = ["dog", "bites", "man", "the", "a"]  # a 5-word vocabulary, V = 5
index = {w: i for i, w in enumerate(words)}
V, d_model = len(words), 4
E = np.random.default_rng(2).standard_normal((V, d_model))  # (V, d_model), trained in practice

sentence = "the dog bites the man".split()
ids = np.array([index[w] for w in sentence])  # (T,)
one_hot = np.eye(V)[ids]  # (T, V): row t is 1 at column ids[t]
via_matmul = one_hot @ E  # (T, V) @ (V, d_model) -> (T, d_model)
via_lookup = pc.embedding(ids, E)  # (T, d_model): E[ids], no multiplications at all
print("ids:", ids)
print("max |one_hot @ E - E[ids]| =", np.max(np.abs(via_matmul - via_lookup)))

# "the" at position 0 and at position 3: the same id, so exactly the same vector.
same_token = np.array_equal(via_lookup[0], via_lookup[3])
print("vector of 'the' at position 0 equals the one at position 3:", same_token)

# Word order is invisible to any order-free summary of the embeddings.
swapped = "the man bites the dog".split()
bag_a = pc.embedding(ids, E).sum(axis=0)  # (d_model,)
bag_b = pc.embedding(np.array([index[w] for w in swapped]), E).sum(axis=0)  # (d_model,)
bag_difference = np.max(np.abs(bag_a - bag_b))
print(f"bag of '{' '.join(sentence)}' vs '{' '.join(swapped)}': max difference "
      f"{bag_difference:.1e} (rounding only)")

# Weight tying: the output layer reuses E, scoring every token by a dot product with its row.
logits = via_lookup @ E.T  # (T, d_model) @ (d_model, V) -> (T, V)
print("tied output logits shape:", logits.shape)

result = {
    "lookup_error": float(np.max(np.abs(via_matmul - via_lookup))),
    "same_token": bool(same_token),
    "bag_difference": float(bag_difference),
    "logits_shape": logits.shape,
    "multiply_adds_one_hot": int(len(ids) * V * d_model),
}
