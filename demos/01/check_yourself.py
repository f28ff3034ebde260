# Check yourself: the model below reads a batch of B sequences of T characters each.
# What is the shape of one layer's attention scores? Replace `answer = None` with a tuple.
import pycore as pc
from exercises import check
from exercises.ch01 import SHAPE_PROBLEM

model, tokenizer = pc.load_pretrained("lm_tiny")
print(model.config)
print(f"batch: B = {SHAPE_PROBLEM['B']} sequences of T = {SHAPE_PROBLEM['T']} characters")

answer = None  # TODO: a tuple such as (2, 5)

result = check("01/scores_shape", answer)
