# One query, start to finish. Four tokens with made-up 4-feature vectors x (one feature each:
# article, noun, verb, pronoun). W_Q, W_K and W_V turn each x into a query, a key and a value.
# The pronoun "it" should find the noun it refers to. Compare three ways to mix the past:
# a uniform average, attention's data-dependent weights, and attention with Q = K = V = X
# (no projections at all).
import numpy as np

import pycore as pc

mixing = "attention"  # @param {type: "select", options: ["uniform", "attention", "Q = K = V = X"]}
query = "it"  # @param {type: "select", options: ["the", "cat", "sat", "it"]}

tokens = ["the", "cat", "sat", "it"]
features = ["article", "noun", "verb", "pronoun"]
X = np.eye(4)  # (T, d_model): row i is token i's vector x_i
# Columns of W_Q and W_K: the two things a query can look for ("a noun", "a verb").
W_Q = np.array([[0, 0],    # an article looks for nothing in particular
                [0, 3],    # a noun looks for a verb
                [3, 0],    # a verb looks for a noun (its subject)
                [6, 0]],   # a pronoun looks hard for a noun
               dtype=float)  # (d_model, d_k)
W_K = np.array([[0, 0],    # an article offers nothing
                [1, 0],    # a noun offers "I am a noun"
                [0, 1],    # a verb offers "I am a verb"
                [0, 0]],   # a pronoun offers nothing
               dtype=float)  # (d_model, d_k)
# Columns of W_V: what a token hands over ("animal", "action").
W_V = np.array([[0, 0],
                [1, 0],    # "cat" hands over "animal"
                [0, 1],    # "sat" hands over "action"
                [0, 0]], dtype=float)  # (d_model, d_v)

Q, K, V = X @ W_Q, X @ W_K, X @ W_V  # (T, d_k), (T, d_k), (T, d_v)
allowed = pc.causal_mask(len(tokens))  # (T, T): a token reads itself and earlier tokens


def attention_weights(queries, keys):
    """Causal softmax(queries keys^T / sqrt(d_k)), shape (T, T)."""
    scores = queries @ keys.T / np.sqrt(keys.shape[-1])  # (T, T)
    return pc.softmax(np.where(allowed, scores, -np.inf), axis=-1)


uniform = allowed / allowed.sum(axis=-1, keepdims=True)  # (T, T): average of the past
weights_by_mixing = {
    "uniform": uniform,
    "attention": attention_weights(Q, K),
    "Q = K = V = X": attention_weights(X, X),
}
values_by_mixing = {"uniform": V, "attention": V, "Q = K = V = X": X}
i = tokens.index(query)

np.set_printoptions(precision=3, suppress=True)
print(f"x_{query} = {X[i]}  ->  q = x W_Q = {Q[i]}, k = x W_K = {K[i]}, v = x W_V = {V[i]}")
for name, weights in weights_by_mixing.items():
    out = weights[i] @ values_by_mixing[name]
    print(f"{name:>13}: weights of '{query}' {weights[i]} -> output {out}")
self_preferred = [tokens[j] for j in range(len(tokens))
                  if np.argmax(weights_by_mixing["Q = K = V = X"][j]) == j]
print("with Q = K = V = X the scores X X^T are symmetric, and each token's largest weight "
      f"is on itself: {self_preferred}")

F = pc.figures
F.show(
    F.bars(tokens[:i + 1], {name: w[i, :i + 1] for name, w in weights_by_mixing.items()},
           domain=(0, 1), annotate=True, fmt=".2f", x_title="key (a token it may see)",
           y_title="weight", caption=(
               f"How the query '{query}' splits its attention over the tokens it may see, "
               "three ways: a uniform average, attention with learned projections, and "
               "attention with Q = K = V = X.")),
    F.heatmap(weights_by_mixing[mixing], row_labels=tokens, col_labels=tokens,
              masked=~allowed, annotate=True, fmt=".2f", domain=(0, 1),
              row_title="query", col_title="key", value_title="weight",
              caption=f"Every query's weights with mixing = {mixing}; later tokens are masked."))

attention = weights_by_mixing["attention"]
result = {
    "mixing": mixing, "query": query,
    "q": Q[i], "k": K, "v": V,
    "weights": {"uniform": uniform[i], "attention": attention[i],
                "identity": weights_by_mixing["Q = K = V = X"][i]},
    "output": {name.replace("Q = K = V = X", "identity"): w[i] @ values_by_mixing[name]
               for name, w in weights_by_mixing.items()},
    "it_on_cat": float(attention[3, 1]),
    "it_cat_score": float(Q[3] @ K[1] / np.sqrt(K.shape[-1])),
    "sat_on_cat": float(attention[2, 1]),
    "identity_symmetric": bool(np.allclose(X @ X.T, (X @ X.T).T)),
    "identity_self_preferred": len(self_preferred),
}
