# Check yourself: predict, then run. Queries and keys have d_k = 64 independent, zero-mean
# entries, but with variance 2 (queries) and 3 (keys), not 1. What is the variance of the
# scaled score q . k / sqrt(d_k)? Put your prediction (a number) in `prediction` and run:
# the demo then draws 20,000 pairs and measures it.
import numpy as np

from exercises import check
from exercises.ch05 import SCORE_VARIANCE_PROBLEM

prediction = None  # your prediction, to one decimal

result = check("05/score_variance", prediction)

if prediction is not None:  # only once you have committed to a prediction
    d_k = SCORE_VARIANCE_PROBLEM["d_k"]
    rng = np.random.default_rng(0)
    q = rng.normal(0.0, np.sqrt(SCORE_VARIANCE_PROBLEM["var_q"]), size=(20000, d_k))
    k = rng.normal(0.0, np.sqrt(SCORE_VARIANCE_PROBLEM["var_k"]), size=(20000, d_k))
    scores = (q * k).sum(axis=1) / np.sqrt(d_k)  # (20000,) one scaled score per pair
    print(f"measured over 20,000 pairs: Var(q·k/√d_k) = {scores.var():.2f} "
          f"(you predicted {float(prediction):g})")
    result["measured"] = float(scores.var())
