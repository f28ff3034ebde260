# Check yourself: with a budget of C training FLOPs, how many parameters N should the model
# have to be compute-optimal (C = 6 N D, about 20 tokens per parameter)? Fix the TODO line.
from exercises import check
from exercises.ch12 import CHINCHILLA_PROBLEM

C = CHINCHILLA_PROBLEM["compute"]  # training FLOPs
tokens_per_parameter = CHINCHILLA_PROBLEM["tokens_per_parameter"]  # D / N
print(f"budget C = {C:.3g} FLOPs, D = {tokens_per_parameter} N")

answer = C / 6  # TODO: this is N times D, not N; solve for N

print(f"your N: {answer:.3g} parameters")
result = check("12/compute_optimal", answer)
