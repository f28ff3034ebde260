# Check yourself: in a causal decoder with T = 10 positions, the token at position 6 is
# replaced. Which positions' logits can change? Mark them True.
# Replace the line marked TODO, then run.
import numpy as np

from exercises import check
from exercises.ch09 import CAUSALITY_PROBLEM

T, changed = CAUSALITY_PROBLEM["T"], CAUSALITY_PROBLEM["changed"]
print(f"T = {T}, token changed at position {changed} (positions count from 0)")

answer = np.zeros(T, dtype=bool)  # TODO: set True where the logits may change

print("your answer:", answer.astype(int))
result = check("09/which_change", answer)
