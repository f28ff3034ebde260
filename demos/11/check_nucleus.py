# Check yourself: the nucleus (top-p) distribution of 7 logits for p = 0.7. Keep the most
# likely tokens until their probability reaches p, zero the rest and renormalise.
# Replace `answer` with your 7 probabilities (two decimals are enough), then run.
import numpy as np

import pycore as pc
from exercises import check
from exercises.ch11 import NUCLEUS_PROBLEM

logits = NUCLEUS_PROBLEM["logits"]  # (V,) = (7,)
p = NUCLEUS_PROBLEM["p"]
probs = pc.softmax(logits)  # (V,)
print("probabilities:", np.round(probs, 3), " p =", p)

answer = probs  # your nucleus distribution, one probability per token

print("your distribution:", np.round(answer, 4))
result = check("11/nucleus", answer)
