# Check yourself: a model with vocabulary V and width d_model ties its output projection to
# the embedding matrix E. How many parameters does tying save? Replace the TODO line.
from exercises import check
from exercises.ch02 import TYING_PROBLEM

V, d_model = TYING_PROBLEM["V"], TYING_PROBLEM["d_model"]
print(f"V = {V:,}, d_model = {d_model}; E has shape ({V}, {d_model})")

answer = 0  # TODO: the number of parameters saved

print(f"your answer: {answer:,}")
result = check("02/weight_tying", answer)
