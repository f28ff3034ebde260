# Check yourself: compute the sinusoidal encoding PE[p] (interleaved layout) of position p
# for width d and the base below, without calling pc.sinusoidal_positions. Fix the TODO line.
import numpy as np

from exercises import check
from exercises.ch03 import SINUSOID_PROBLEM

p, d, base = SINUSOID_PROBLEM["p"], SINUSOID_PROBLEM["d"], SINUSOID_PROBLEM["base"]
print(f"p = {p}, d = {d}, base = {base:g}")

i = np.arange(d // 2)  # pair index 0 .. d/2 - 1
angles = p / base ** (2 * i / d)  # (d/2,)
answer = np.concatenate([np.sin(angles), np.cos(angles)])  # TODO: wrong layout; fix it

print("your PE[p]:", np.round(answer, 4))
result = check("03/sinusoid_row", answer)
