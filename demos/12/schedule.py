# The learning-rate schedule of GPT-style training: a linear warm-up to the peak, then a
# half-cosine down to a floor (Loshchilov and Hutter 2017, eq. 5, with a warm-up).
import matplotlib.pyplot as plt
import numpy as np

import pycore as pc

warmup_steps = 100  # @param {type: "slider", min: 0, max: 500, step: 10}
total_steps = 1000  # @param {type: "slider", min: 500, max: 5000, step: 100}
max_lr = 0.0006  # @param {type: "select", options: [0.0001, 0.0003, 0.0006, 0.001, 0.003]}
min_lr_fraction = 0.1  # @param {type: "slider", min: 0, max: 1, step: 0.05}

min_lr = min_lr_fraction * max_lr
steps = np.arange(total_steps)  # (total_steps,)
lrs = np.array([pc.cosine_schedule(int(s), max_lr=max_lr, total_steps=total_steps,
                                   warmup_steps=warmup_steps, min_lr=min_lr) for s in steps])

probe_steps = [0, warmup_steps // 2, warmup_steps, (warmup_steps + total_steps) // 2,
               total_steps - 1]
probe_lrs = [float(lrs[s]) for s in probe_steps]
for s, value in zip(probe_steps, probe_lrs):
    print(f"step {s:5d}: lr = {value:.3g}")

fig, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(steps, lrs * 1000, color="tab:blue")
ax.axvline(warmup_steps, color="gray", ls="--", lw=1)
ax.set_xlabel("step")
ax.set_ylabel("learning rate (x 0.001)")
ax.set_title("linear warm-up, then cosine decay", fontsize=9)
fig.tight_layout()

result = {
    "warmup_steps": warmup_steps,
    "total_steps": total_steps,
    "max_lr": max_lr,
    "min_lr": min_lr,
    "probe_steps": probe_steps,
    "probe_lrs": probe_lrs,
}
