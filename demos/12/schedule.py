# The learning-rate schedule of GPT-style training: a linear warm-up to the peak, then a
# half-cosine down to a floor (Loshchilov and Hutter 2017, eq. 5, with a warm-up).
import numpy as np

import pycore as pc

warmup_steps = 100  # @param {type: "slider", min: 0, max: 500, step: 10}
total_steps = 1000  # @param {type: "slider", min: 500, max: 5000, step: 100}
max_lr = 0.0006  # @param {type: "select", options: [0.0001, 0.0003, 0.0006, 0.001, 0.003], label: "Peak learning rate"}
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

every = max(1, total_steps // 250)  # a point every few steps draws the same curve
shown = np.unique(np.r_[steps[::every], min(warmup_steps, total_steps - 1), total_steps - 1])
pc.figures.show(pc.figures.lines(
    shown, lrs[shown], x_title="step", y_title="learning rate",
    vlines={"end of warm-up": warmup_steps}, hlines={"floor": min_lr},
    title="linear warm-up, then cosine decay",
    caption=(f"The learning rate climbs linearly to {max_lr:g} over {warmup_steps} steps, "
             f"then follows half a cosine down to the floor {min_lr:.3g} by the last step.")))

result = {
    "warmup_steps": warmup_steps,
    "total_steps": total_steps,
    "max_lr": max_lr,
    "min_lr": min_lr,
    "probe_steps": probe_steps,
    "probe_lrs": probe_lrs,
}
