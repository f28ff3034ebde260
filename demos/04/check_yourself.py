# Check yourself: the worked example with a causal mask (each token
# sees only itself and earlier tokens). Replace the marked line so that
# `weights` holds the 3 x 3 causal attention weights, then run.
import numpy as np

import pycore as pc  # noqa: F401 - pc.causal_mask, pc.softmax may help
from exercises import check

Q = np.array([[1, 0, 1, 0],
              [0, 1, 0, 1],
              [1, 1, 0, 0]], dtype=float)  # (T, d_k)
K = np.array([[1, 0, 0, 1],
              [0, 1, 1, 0],
              [1, 1, 0, 0]], dtype=float)  # (T, d_k)
d_k = Q.shape[-1]

scores = Q @ K.T / np.sqrt(d_k)  # (T, T)
weights = scores  # <- your turn: mask the scores, softmax each row

print(np.round(weights, 3))
result = check("04/causal_weights", weights)
