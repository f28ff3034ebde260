# Scaled dot-product attention on three tokens, one step at a time
# (Vaswani et al. 2017, section 3.2.1, eq. 1). Edit Q, K or V and run.
import numpy as np

import pycore as pc
from demos.helpers import bmatrix  # the prose's matrices as KaTeX

tokens = ["the", "cat", "sat"]
Q = np.array([[1, 0, 1, 0],   # what "the" looks for
              [0, 1, 0, 1],   # what "cat" looks for
              [1, 1, 0, 0]],  # what "sat" looks for
             dtype=float)     # (T, d_k) = (3, 4)
K = np.array([[1, 0, 0, 1],   # what "the" offers to be matched on
              [0, 1, 1, 0],
              [1, 1, 0, 0]], dtype=float)  # (T, d_k) = (3, 4)
V = np.array([[1, 0],         # what "the" hands over
              [0, 1],
              [1, 2]], dtype=float)  # (T, d_v) = (3, 2)

scaled = True  # @param {type: "checkbox"}
temperature = 1.0  # @param {type: "slider", min: 0.1, max: 4.0, step: 0.1}

d_k = Q.shape[-1]
scale = (1 / np.sqrt(d_k) if scaled else 1.0) / temperature
np.set_printoptions(precision=3, suppress=True)

scores = Q @ K.T  # (T, T): scores[i, j] = q_i . k_j
print("Step 1  Q K^T (query i dotted with key j):\n", scores)
scaled_scores = scores * scale  # (T, T)
print(f"Step 2  scaled by {scale:.3f}:\n", scaled_scores)
weights = pc.softmax(scaled_scores, axis=-1)  # (T, T), one row per query
print("Step 3  softmax over each row:\n", weights)
print("        row sums:", weights.sum(axis=-1))
output = weights @ V  # (T, T) @ (T, d_v) -> (T, d_v)
print("Step 4  weights @ V:\n", output)

# The library's attention must agree with the four steps above.
lib_out, lib_weights = pc.scaled_dot_product_attention(
    Q, K, V, scale=scale, return_weights=True)
agrees = np.allclose(lib_out, output) and np.allclose(lib_weights, weights)
print("pycore agrees:", agrees)

pc.figures.show(pc.figures.heatmap(
    weights, row_labels=tokens, col_labels=tokens, annotate=True, domain=(0, 1),
    row_title="query (attending)", col_title="key (attended to)", value_title="weight",
    caption=(f"Attention weights softmax(q·k × {scale:.3g}): row i is how query i "
             "splits its attention over the keys; each row sums to 1.")))

result = {
    "Q": Q, "K": K, "V": V, "d_k": d_k, "scale": scale,
    "scores": scores, "scaled_scores": scaled_scores,
    "weights": weights, "output": output, "pycore_agrees": agrees,
    "tex": {"scores": bmatrix(scores, "g"), "scaled_scores": bmatrix(scaled_scores, "g"),
            "weights": bmatrix(weights, ".3f"), "output": bmatrix(output, ".3f")},
}
