# Common mistake: masking the wrong way. The right way sets blocked
# scores to -inf before the softmax. Zeroing weights after the softmax,
# or setting blocked scores to 0, lets the future leak: change only the
# last token and the first token's output moves.
import numpy as np

import pycore as pc

mistake = "zero after"  # @param {type: "select", options: ["zero after", "score 0"]}

T, d_k = 4, 4
# RandomState: the legacy generator, same numbers in every NumPy version.
rng = np.random.RandomState(1)
q, k, v = (rng.standard_normal((T, d_k)) for _ in range(3))  # (T, d_k)
allowed = pc.causal_mask(T)  # (T, T), lower triangle


def right_way(q, k, v):
    """Blocked scores -> -inf, then softmax. Weights (T, T), out (T, d_k)."""
    out, w = pc.scaled_dot_product_attention(q, k, v, mask=allowed,
                                             return_weights=True)
    return w, out


def wrong_way(q, k, v):
    """The selected mistake. Weights (T, T), out (T, d_k)."""
    scores = q @ k.T / np.sqrt(d_k)  # (T, T)
    if mistake == "zero after":
        # Zero the weights after the softmax: too late, the blocked keys
        # are already in every row's denominator.
        w = pc.softmax(scores, axis=-1) * allowed
    else:
        # "score 0": a blocked score of 0 still gets weight exp(0) = 1.
        w = pc.softmax(np.where(allowed, scores, 0.0), axis=-1)
    return w, w @ v


# Change only the last token's key and value: the first query must not
# be able to tell.
k_changed, v_changed = k.copy(), v.copy()
k_changed[-1] += 3.0
v_changed[-1] -= 3.0

report = {}
for name, attend in (("right", right_way), ("wrong", wrong_way)):
    w, out = attend(q, k, v)
    _, out_changed = attend(q, k_changed, v_changed)
    leak = float(np.abs(out_changed[0] - out[0]).max())  # token 0 moved
    future = float(w[~allowed].sum())
    print(f"{name}: row sums {np.round(w.sum(axis=-1), 3)}")
    print(f"{'':>{len(name) + 1}} weight on future keys {future:.3f}, "
          f"token 0 moved by {leak:.3g}")
    report[name] = {"row_sums": w.sum(axis=-1), "future_weight": future,
                    "leak": leak}

result = dict(report, mistake=mistake)
