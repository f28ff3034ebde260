# Attention as a soft dictionary lookup. A hard lookup returns the value
# of the one best-matching key; attention returns a softmax-weighted
# blend of all values. Raise the sharpness and the blend turns hard.
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
F = pc.figures
F.show(F.panels([
    F.bars(titles, weights[0], domain=(0, 1), annotate=True, fmt=".3f", y_title="weight",
           x_title="shelf (key)", title=f"Weights at sharpness {sharpness:g}",
           caption="Softmax weight of each shelf."),
    F.lines(sweep, {"soft (attention)": soft_curve}, x_title="sharpness (score scale)",
            y_title="value returned", hlines={f"hard (argmax) = {hard:g}": hard},
            vlines={f"sharpness {sharpness:g}": sharpness}, title="Soft answer vs sharpness",
            caption="The soft answer approaches the hard one as sharpness grows."),
], columns=2, caption=(f"The bars: how a query at {query_angle}° splits its attention over "
                       "the four shelves. The curve: the blended answer approaches the hard "
                       "lookup's as the scores are scaled up.")))


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
