# Check yourself: how many bytes does this model's KV cache take for one sequence?
# The model is printed below. Replace `answer = None` with a number of bytes (or an
# expression); three significant figures are enough.
from exercises import check
from exercises.ch06 import KV_CACHE_PROBLEM

for key, value in KV_CACHE_PROBLEM.items():
    print(f"{key:16s} {value}")

answer = None  # bytes

result = check("06/kv_cache_bytes", answer)
