# Temperature: softmax(s / tau). Small tau sharpens the weights towards the largest score,
# large tau flattens them towards uniform. Dividing scores by sqrt(d_k) is a temperature too.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, NullFormatter

import pycore as pc

tau = 1.0  # @param {type: "slider", min: 0.05, max: 5, step: 0.05}
scores = np.array([2.0, 1.0, 0.5, 0.0, -1.0])  # (T,) one query's scores over T = 5 keys


def entropy(w):
    safe = np.where(w > 0, w, 1.0)
    return float(-np.sum(w * np.log(safe)))


weights = pc.softmax(scores / tau)  # (T,)
cold_tau, hot_tau = 0.05, 100.0  # near the two limits: argmax and uniform
taus = np.geomspace(0.05, 5.0, 60)  # (60,)
entropies = [entropy(pc.softmax(scores / t)) for t in taus]

fig, (ax_bar, ax_curve) = plt.subplots(1, 2, figsize=(7, 2.8))
ax_bar.bar(range(len(scores)), weights, color="tab:blue")
ax_bar.set_ylim(0, 1)
ax_bar.set_xticks(range(len(scores)))
ax_bar.set_xticklabels([f"s={s:g}" for s in scores], fontsize=8)
ax_bar.set_title(f"softmax(s / {tau:g})", fontsize=9)
ax_curve.plot(taus, entropies, color="tab:orange")
ax_curve.axvline(tau, color="gray", ls="--", lw=1)
ax_curve.axhline(np.log(len(scores)), color="gray", ls=":", lw=1)  # uniform: log T
ax_curve.set_xscale("log")
# Plain tick labels: log-axis labels go through mathtext, which recurses deeply in the browser.
ax_curve.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
ax_curve.xaxis.set_minor_formatter(NullFormatter())
ax_curve.set_xlabel("temperature tau")
ax_curve.set_title("entropy of the weights (nats)", fontsize=9)
fig.tight_layout()

print("tau =", tau, " weights =", np.round(weights, 4), " entropy =", round(entropy(weights), 4))
print("the order of the weights never changes; only how peaked they are")

result = {
    "tau": tau,
    "weights": weights,
    "entropy": entropy(weights),
    "cold_tau": cold_tau,
    "cold_top_weight": float(pc.softmax(scores / cold_tau)[0]),  # almost argmax
    "cold_rest": float(1.0 - pc.softmax(scores / cold_tau)[0]),  # what the others share
    "hot_tau": hot_tau,
    "hot_entropy": entropy(pc.softmax(scores / hot_tau)),  # almost uniform
    "log_T": float(np.log(len(scores))),
}
