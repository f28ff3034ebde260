# A first demo: turn three scores into weights with a softmax, at a temperature you choose.
# Move the slider (or edit the numbers) and the page reruns this file in your browser.
import numpy as np

import pycore as pc

scores = np.array([2.0, 1.0, 0.1])  # one score per token, shape (3,)
temperature = 1.0  # @param {type: "slider", min: 0.1, max: 5.0, step: 0.1}

weights = pc.softmax(scores / temperature)  # (3,), non-negative, sums to 1
for token, weight in zip(["the", "cat", "sat"], weights):
    print(f"{token:>4}  {weight:.3f}  " + "#" * int(round(40 * weight)))

result = {"temperature": temperature, "weights": weights, "total": float(weights.sum())}
