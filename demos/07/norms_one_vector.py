# LayerNorm and RMSNorm applied to one token's feature vector. LayerNorm removes the mean and
# divides by the standard deviation; RMSNorm only divides by the root mean square.
import matplotlib.pyplot as plt
import numpy as np

import pycore as pc

spike = 6.0  # @param {type: "slider", min: -20, max: 20, step: 0.5}
gamma = 1.0  # @param {type: "slider", min: 0, max: 3, step: 0.25}
beta = 0.0  # @param {type: "slider", min: -2, max: 2, step: 0.25}
eps = 1e-5  # @param {type: "select", options: [1e-8, 1e-5, 0.01, 1.0]}

x = np.array([0.5, -1.0, 2.0, 0.0, 1.5, -0.5, 1.0, 3.0])  # (d,) one token, d = 8 features
x[3] = spike  # the slider sets feature 3
d = x.shape[-1]
gamma_vec, beta_vec = np.full(d, gamma), np.full(d, beta)  # (d,) learned in a real model

ln = pc.layer_norm(x, gamma_vec, beta_vec, eps=eps)  # (d,)
rms = pc.rms_norm(x, gamma_vec, eps=eps)  # (d,)


def stats(v):
    """Mean, (biased) variance and RMS over the features of one vector."""
    return {"mean": float(v.mean()), "var": float(v.var()),
            "rms": float(np.sqrt(np.mean(v**2)))}


table = {"input": stats(x), "layer_norm": stats(ln), "rms_norm": stats(rms)}
print(f"{'':12s} {'mean':>8s} {'variance':>9s} {'RMS':>8s}")
for name, s in table.items():
    print(f"{name:12s} {s['mean']:8.3f} {s['var']:9.3f} {s['rms']:8.3f}")
print(f"\nLayerNorm: {np.round(ln, 3)}")
print(f"RMSNorm:   {np.round(rms, 3)}")

fig, ax = plt.subplots(figsize=(6, 3.2))
idx = np.arange(d)
ax.bar(idx - 0.27, x, width=0.27, label="input x")
ax.bar(idx, ln, width=0.27, label="LayerNorm(x)")
ax.bar(idx + 0.27, rms, width=0.27, label="RMSNorm(x)")
ax.axhline(0, color="gray", lw=0.5)
ax.set_xticks(idx)
ax.set_xlabel("feature")
ax.set_title(f"one token, d = {d}, gamma = {gamma:g}, beta = {beta:g}, eps = {eps:g}")
ax.legend(fontsize=8)
fig.tight_layout()

result = {"x": x, "layer_norm": ln, "rms_norm": rms, "stats": table,
          "gamma": gamma, "beta": beta, "eps": eps}
