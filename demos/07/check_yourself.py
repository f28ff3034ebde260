# Check yourself: apply LayerNorm (gamma = 1, beta = 0) to the token below by hand or with
# NumPy (not with pc.layer_norm!), and put the 8 numbers in `answer`.
import numpy as np

from exercises import check
from exercises.ch07 import LAYER_NORM_PROBLEM

x = np.array(LAYER_NORM_PROBLEM["x"])  # (d,) one token's features
print("x =", x.tolist(), " eps =", LAYER_NORM_PROBLEM["eps"])

answer = None  # e.g. (x - ...) / ...

result = check("07/layer_norm", answer)
