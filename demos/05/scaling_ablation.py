# Why divide by sqrt(d_k)? Random unit-variance queries and keys, with and without the scaling:
# the variance of q . k, the entropy of the attention weights, and the size of the softmax
# Jacobian (how much gradient flows back through the softmax), as d_k grows.
import numpy as np

import pycore as pc

d_k = 64  # @param {type: "slider", min: 4, max: 512, step: 4}
T = 16  # @param {type: "slider", min: 4, max: 64, step: 4}
n_queries = 256  # rows averaged per point: more rows, smoother curves, slower
saturation = 0.99  # a row whose largest weight exceeds this counts as one-hot
rng = np.random.default_rng(0)


def entropy(w):
    """Shannon entropy (nats) of each row of w (..., T); 0 * log 0 counts as 0."""
    safe = np.where(w > 0, w, 1.0)  # log(1) = 0 where w == 0
    return -np.sum(w * np.log(safe), axis=-1)  # (...,)


def softmax_jacobian(w):
    """d softmax / d scores for each row: diag(w) - w w^T, shape (..., T, T)."""
    return w[..., :, None] * np.eye(w.shape[-1]) - w[..., :, None] * w[..., None, :]


def measure(d):
    q = rng.standard_normal((n_queries, 1, d))  # (n, 1, d_k): entries ~ N(0, 1)
    k = rng.standard_normal((n_queries, T, d))  # (n, T, d_k)
    dots = np.sum(q * k, axis=-1)  # (n, T): q . k, variance d_k
    row = {}
    for name, scale in (("unscaled", 1.0), ("scaled", 1.0 / np.sqrt(d))):
        w = pc.softmax(dots * scale)  # (n, T) attention weights, each row sums to 1
        jac = softmax_jacobian(w)  # (n, T, T)
        row[name] = {
            "variance": float(np.var(dots * scale)),
            "entropy": float(np.mean(entropy(w))),
            "jacobian_norm": float(np.mean(np.linalg.norm(jac, axis=(-2, -1)))),
            "saturated": float(np.mean(np.max(w, axis=-1) > saturation)),
        }
    return row, w, jac


grid = sorted(set([4, 8, 16, 32, 64, 128, 256, 512, d_k]))
rows = {}
for d in grid:
    rows[d], w_last, jac_last = measure(d)  # keeps the scaled w, jacobian of the last d

# The hand-written Jacobian agrees with pycore's softmax backward applied to basis vectors.
basis = np.broadcast_to(np.eye(T), jac_last.shape)  # (n, T, T): dy = e_j in row j
from_backward = pc.softmax_backward(basis, np.broadcast_to(w_last[:, None, :], jac_last.shape))
jacobian_check = float(np.max(np.abs(from_backward - jac_last)))

F = pc.figures
labels = {"unscaled": "q·k", "scaled": "q·k / √d_k"}  # the legend
uniform = {f"uniform: ln T = {np.log(T):.2f}": np.log(T)}
panels = [
    F.lines(grid, {labels[name]: [rows[d][name][key] for d in grid] for name in labels},
            log_x=True, log_x_base=2, log_y=key == "variance", points=True, x_title="d_k",
            y_title=y_title,
            vlines={f"d_k = {d_k}": d_k}, hlines=uniform if key == "entropy" else None,
            title=title, caption=f"{title} against d_k, with and without 1/√d_k.")
    for key, title, y_title in (("variance", "Variance of the scores", "variance"),
                                ("entropy", "Entropy of the weights", "entropy (nats)"),
                                ("jacobian_norm", "Gradient through the softmax",
                                 "Jacobian norm ‖J‖"))]
F.show(F.panels(panels, columns=3, caption=(
    "Without 1/√d_k the score variance grows like d_k, the weights go one-hot (entropy falls "
    "towards 0) and the softmax Jacobian, the gradient it passes back, vanishes; with it all "
    f"three stay flat. Averages over {n_queries} random queries, each against T = {T} keys.")))

chosen = rows[d_k]
print(f"d_k = {d_k}, T = {T} keys per query (uniform weights would have entropy {np.log(T):.3f})")
for name in ("unscaled", "scaled"):
    s = chosen[name]
    print(f"{name:9s} variance {s['variance']:9.3f}   entropy {s['entropy']:.3f}   "
          f"Jacobian norm {s['jacobian_norm']:.4f}   saturated rows {s['saturated']:.0%}")

result = {
    "d_k": d_k,
    "T": T,
    "grid": grid,
    "chosen": chosen,
    "curves": {str(d): rows[d] for d in grid},
    "log_T": float(np.log(T)),
    "saturation": saturation,
    "jacobian_check": jacobian_check,
}
