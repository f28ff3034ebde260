# LayerNorm and RMSNorm applied to one token's feature vector. LayerNorm removes the mean and
# divides by the standard deviation; RMSNorm only divides by the root mean square.
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

features = [str(i) for i in range(d)]
pc.figures.show(pc.figures.bars(
    features, {"input x": x, "LayerNorm(x)": ln, "RMSNorm(x)": rms},
    x_title="feature i", y_title="value",
    title=f"one token, d = {d}, γ = {gamma:g}, β = {beta:g}, ε = {eps:g}",
    caption=("One token's features before and after each norm. LayerNorm shifts every bar "
             "by the mean, so its bars balance around 0; RMSNorm only rescales, so each "
             "bar keeps its sign and the bars keep their proportions."),
    alt=(f"Grouped bars for the {d} features of one token: the input (feature 3 = {spike:g}), "
         f"LayerNorm(x) with mean β = {beta:g} and variance {ln.var():.2f}, and "
         f"RMSNorm(x) with RMS {np.sqrt(np.mean(rms**2)):.2f}.")))

result = {"x": x, "layer_norm": ln, "rms_norm": rms, "stats": table,
          "gamma": gamma, "beta": beta, "eps": eps}
