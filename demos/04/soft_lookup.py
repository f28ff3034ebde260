# Attention as a soft dictionary lookup. A hard lookup returns the value
# of the one best-matching key; attention returns a softmax-weighted
# blend of all values. Raise the sharpness and the blend turns hard.
import matplotlib.pyplot as plt
import numpy as np

import pycore as pc

sharpness = 4.0  # @param {type: "slider", min: 0.5, max: 40, step: 0.5}
query_angle = 12  # @param {type: "slider", min: 0, max: 360, step: 1}

titles = ["cats", "dogs", "ships", "stars"]  # shelf labels (the keys)
angles = np.radians([0.0, 40.0, 120.0, 220.0])  # (S,): S = 4 entries
K = np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (S, d_k)
V = np.array([[10.0], [20.0], [30.0], [40.0]])  # (S, d_v): the contents


def q_at(degrees):
    """The query: a unit vector pointing at ``degrees``, shape (1, d_k)."""
    a = np.radians(degrees)
    return np.array([[np.cos(a), np.sin(a)]])  # (1, d_k)


def hard_lookup(q):
    """Dictionary semantics: the best key's value only, shape (1, d_v)."""
    return V[[int(np.argmax(K @ q[0]))]]  # argmax over S similarities


def soft_lookup(q, scale):
    """Attention: all values, weighted by softmax(scale * q . k).

    Returns the output (1, d_v) and the weights (1, S).
    """
    return pc.scaled_dot_product_attention(q, K, V, scale=scale,
                                           return_weights=True)


q = q_at(query_angle)
hard = hard_lookup(q)[0, 0]
soft, weights = soft_lookup(q, sharpness)
soft = soft[0, 0]

# Nudge the query by a tenth of a degree. The hard answer does not move
# (its gradient is zero almost everywhere); the soft one does, and that
# is what lets training adjust queries and keys.
step = 0.1
nudged = q_at(query_angle + step)
hard_slope = (hard_lookup(nudged)[0, 0] - hard) / step
soft_slope = (soft_lookup(nudged, sharpness)[0][0, 0] - soft) / step

best = titles[int(np.argmax(K @ q[0]))]
print("similarity q . k:", np.round(K @ q[0], 3))
print("soft weights:    ", np.round(weights[0], 3))
print(f"hard lookup -> {hard:g} (shelf '{best}')")
print(f"soft lookup -> {soft:.3f}   gap to hard: {abs(soft - hard):.3f}")
print(f"change per degree: hard {hard_slope:g}, soft {soft_slope:.4f}")

sweep = np.linspace(0.5, 40, 80)  # (80,) sharpness values
soft_curve = [soft_lookup(q, s)[0][0, 0] for s in sweep]
fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.0))
left.bar(titles, weights[0], color="#b5562d")
left.set_ylim(0, 1)
left.set_title(f"weights at sharpness {sharpness:g}")
right.plot(sweep, soft_curve, color="#b5562d", label="soft (attention)")
right.axhline(hard, color="#3f4a9c", linestyle="--", label="hard (argmax)")
right.axvline(sharpness, color="0.5", linewidth=0.8)
right.set_xlabel("sharpness (score scale)")
right.set_ylabel("value returned")
right.legend(fontsize=8)
fig.tight_layout()


def gap_at(scale):
    """Distance between the soft and the hard answer at ``scale``."""
    return abs(soft_lookup(q, scale)[0][0, 0] - hard)


result = {
    "sharpness": sharpness, "query_angle": query_angle,
    "weights": weights[0], "soft": soft, "hard": hard,
    "gap": abs(soft - hard),
    "hard_slope": hard_slope, "soft_slope": soft_slope,
    "gap_at_sharpness": {"s1": gap_at(1.0), "s40": gap_at(40.0)},
}
