# Check yourself: under RoPE, a query vector q at position 5 and a key vector k at position 2
# get some score. Which of the position pairs below give the same q and k exactly the same
# score? Put their letters in `answer`, then run.
from exercises import check
from exercises.ch03 import ROPE_PROBLEM

m, n = ROPE_PROBLEM["reference"]
print(f"reference: query at position {m}, key at position {n}")
for letter, (m, n) in ROPE_PROBLEM["pairs"].items():
    print(f"  {letter}: query at position {m:3d}, key at position {n:3d}")

answer = set()  # the letters of the pairs with the same score

result = check("03/rope_offset", answer)
