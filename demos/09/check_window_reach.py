# Check yourself (predict, then run): a causal decoder of 2 blocks whose attention is also
# limited to a window of 3 (position t reads t - 2 .. t only). The token at position 3 of
# T = 12 is replaced. Which positions' outputs can change? Mark them True, then run: the
# checker runs such a stack and prints which outputs really moved.
import numpy as np

from exercises import check
from exercises.ch09 import WINDOW_PROBLEM

T, changed = WINDOW_PROBLEM["T"], WINDOW_PROBLEM["changed"]
print(f"T = {T}, {WINDOW_PROBLEM['layers']} blocks, window {WINDOW_PROBLEM['window']}, "
      f"token replaced at position {changed} (positions count from 0)")

answer = np.zeros(T, dtype=bool)  # your prediction, one True/False per position

print("your answer:", answer.astype(int))
result = check("09/window_reach", answer)
