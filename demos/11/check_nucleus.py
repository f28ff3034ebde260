# Check yourself: the nucleus (top-p) distribution of 7 logits for p = 0.7. Keep the most
# likely tokens until their probability reaches p, zero the rest and renormalise.
# Replace the line marked TODO, then run.
import numpy as np

import pycore as pc
from exercises import check
from exercises.ch11 import NUCLEUS_PROBLEM

logits = NUCLEUS_PROBLEM["logits"]  # (V,) = (7,)
p = NUCLEUS_PROBLEM["p"]
probs = pc.softmax(logits)  # (V,)
print("probabilities:", np.round(probs, 3), " p =", p)

answer = probs  # TODO: keep only the nucleus, then renormalise

print("your distribution:", np.round(answer, 4))
result = check("11/nucleus", answer)
