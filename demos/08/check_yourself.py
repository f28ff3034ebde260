# Check yourself: Llama-3-8B's FFN is SwiGLU with the d_model and d_ff printed below. How many
# times the parameters of a classic GELU FFN of the same d_model, with d_ff = 4 d_model, does
# it have? Give the ratio to two decimals in `answer`.
from exercises import check
from exercises.ch08 import SWIGLU_PROBLEM

print(f"d_model = {SWIGLU_PROBLEM['d_model']}, d_ff = {SWIGLU_PROBLEM['d_ff']}, activation = "
      "SwiGLU")

answer = None  # an expression is fine

result = check("08/swiglu_ratio", answer)
