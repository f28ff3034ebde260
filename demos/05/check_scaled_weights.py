# Check yourself: compute the attention weights of the query q over the 4 keys (rows of K),
# with the scaling of this chapter. Replace the line marked TODO, then run.
import numpy as np

import pycore as pc
from exercises import check
from exercises.ch05 import SCALED_WEIGHTS_PROBLEM

q = SCALED_WEIGHTS_PROBLEM["q"]  # (d_k,) = (16,)
K = SCALED_WEIGHTS_PROBLEM["K"]  # (4, 16): one key per row
print("q =", q.astype(int))
print("K =\n", K.astype(int))

scores = K @ q  # (4,) one dot product per key
answer = pc.softmax(scores)  # TODO: this forgets something; fix it

print("your weights:", np.round(answer, 4))
result = check("05/scaled_weights", answer)
