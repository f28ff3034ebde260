# Check yourself: how many parameters does one SwiGLU feed-forward network have, with the
# d_model and d_ff printed below (Llama-3 8B's shape)? Put a whole number in `answer`.
from exercises import check
from exercises.ch08 import SWIGLU_PROBLEM

print(f"d_model = {SWIGLU_PROBLEM['d_model']}, d_ff = {SWIGLU_PROBLEM['d_ff']}, activation = "
      "SwiGLU")

answer = None  # an expression such as 2 * 4096 is fine

result = check("08/swiglu_params", answer)
