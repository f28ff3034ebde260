# Softmax makes the keys compete: raising one score takes weight away from all the others,
# because the weights must sum to 1. A sigmoid gates each score on its own: raising one score
# changes only that gate.
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

F = pc.figures
keys = [f"key {j}" for j in range(len(base))]
F.show(F.panels([
    F.bars(keys, {"softmax weight": soft, "sigmoid gate": gate}, domain=(0, 1), annotate=True,
           fmt=".2f", y_title="weight or gate", title=f"Key 0 boosted by {boost:g}",
           caption="Softmax weights and sigmoid gates of the four keys."),
    F.lines(boosts, {"softmax weight": others_soft, "sigmoid gate": others_gate},
            dashed=["sigmoid gate"], vlines={f"boost {boost:g}": boost}, y_domain=(0, 1),
            x_title="boost added to key 0's score", y_title="key 1's weight or gate",
            title="Key 1 as key 0 rises",
            caption="Key 1's softmax weight and sigmoid gate against key 0's boost."),
], columns=2, caption=(
    "Raising key 0's score takes softmax weight from every other key (the weights still sum "
    "to 1) but leaves the other sigmoid gates where they were: first the four keys at this "
    "boost, then key 1 as the boost grows.")))

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
