# Check yourself: a draft model proposes gamma tokens per round and the target verifies them
# in one call. With the target p and draft q below, how many tokens does one target call yield
# on average (two decimals are enough)? Replace `answer = None` with a number or an expression.
import numpy as np

from exercises import check
from exercises.ch13 import PROBLEM

p = np.array(PROBLEM["p"])  # (V,) target distribution
q = np.array(PROBLEM["q"])  # (V,) draft distribution
gamma = PROBLEM["gamma"]
print("p     =", p)
print("q     =", q)
print("gamma =", gamma)

answer = None  # expected tokens per target call

result = check("13/tokens_per_call", answer)
