# Check yourself: predict, then run. The shipped model reads a prompt of T characters, then
# one twice as long. By what factor does the number of values in one layer's attention
# scores grow, and by what factor the residual stream's? Write your prediction, then run:
# the demo measures both.
import pycore as pc
from exercises import check
from exercises.ch01 import GROWTH_PROBLEM, measured_sizes

prediction = None  # (factor for the scores, factor for the residual stream)

result = check("01/growth", prediction)
if prediction is not None:
    T = GROWTH_PROBLEM["T"]
    model, _ = pc.load_pretrained("lm_tiny")
    print(f"lm_tiny: h = {model.config.n_heads} heads, d_model = {model.config.d_model}")
    for length in (T, 2 * T):
        scores, residual = measured_sizes(length)
        print(f"T = {length:3d}: scores hold {scores:6,d} numbers, "
              f"the residual stream {residual:6,d}")
