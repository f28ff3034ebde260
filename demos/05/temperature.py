# Temperature: softmax(s / tau). Small tau sharpens the weights towards the largest score,
# large tau flattens them towards uniform. Dividing scores by sqrt(d_k) is a temperature too.
import numpy as np

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

F = pc.figures
F.show(F.panels([
    F.bars([f"s = {s:g}" for s in scores], weights, domain=(0, 1), annotate=True, fmt=".3f",
           x_title="key score", y_title="weight", title=f"softmax(s / {tau:g})",
           caption=f"The five weights at τ = {tau:g}."),
    F.lines(taus, entropies, log_x=True, x_title="temperature τ", y_title="entropy (nats)",
            vlines={f"τ = {tau:g}": tau},
            hlines={f"uniform: ln 5 = {np.log(len(scores)):.2f}": np.log(len(scores))},
            title="Entropy of the weights", caption="Entropy of softmax(s / τ) against τ."),
], columns=2, caption=(
    f"First: the weights at τ = {tau:g}, always in the order of the scores. Second: as τ grows "
    "the entropy climbs from 0 (all weight on the top score) towards ln 5 (uniform).")))

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
