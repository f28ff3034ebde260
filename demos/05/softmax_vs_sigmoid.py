# Softmax makes the keys compete: raising one score takes weight away from all the others,
# because the weights must sum to 1. A sigmoid gates each score on its own: raising one score
# changes only that gate.
import matplotlib.pyplot as plt
import numpy as np

import pycore as pc

boost = 3.0  # @param {type: "slider", min: -4, max: 6, step: 0.5}
base = np.array([1.0, 0.5, 0.0, -0.5])  # (T,) scores of one query over T = 4 keys
scores = base.copy()
scores[0] += boost  # raise key 0's score only

soft = pc.softmax(scores)  # (T,) sums to 1
gate = pc.sigmoid(scores)  # (T,) each in (0, 1), independent
soft_before, gate_before = pc.softmax(base), pc.sigmoid(base)

boosts = np.linspace(-4, 6, 41)  # (41,)
others_soft = [pc.softmax(np.r_[base[0] + b, base[1:]])[1] for b in boosts]
others_gate = [pc.sigmoid(np.r_[base[0] + b, base[1:]])[1] for b in boosts]

fig, ax = plt.subplots(figsize=(5, 2.8))
ax.plot(boosts, others_soft, label="softmax weight of key 1")
ax.plot(boosts, others_gate, "--", label="sigmoid gate of key 1")
ax.axvline(boost, color="gray", ls=":", lw=1)
ax.set_xlabel("boost added to key 0's score")
ax.set_ylim(0, 1)
ax.legend(fontsize=8)
fig.tight_layout()

print("scores        ", scores)
print("softmax       ", np.round(soft, 4), " sum =", round(float(soft.sum()), 6))
print("sigmoid gates ", np.round(gate, 4), " sum =", round(float(gate.sum()), 6))
print("keys 1..3 under softmax changed by", np.round(soft[1:] - soft_before[1:], 4))
print("keys 1..3 under sigmoid changed by", np.round(gate[1:] - gate_before[1:], 4))

result = {
    "boost": boost,
    "softmax": soft,
    "sigmoid": gate,
    "softmax_sum": float(soft.sum()),
    "sigmoid_sum": float(gate.sum()),
    "others_softmax_change": soft[1:] - soft_before[1:],
    "others_sigmoid_change": gate[1:] - gate_before[1:],
    "key1_drop": float(soft_before[1] - soft[1]),  # how much weight key 1 lost
}
