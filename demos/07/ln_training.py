# Pre-LN vs post-LN during training, and without the residual. One 12-layer decoder
# (d_model 16) trained five ways on the same batches from a random 16-symbol Markov chain,
# whose entropy rate is the best loss any model can reach. Twelve layers for a hundred steps
# take about a minute in CPython, so models/train_ln_ablation.py trained them once and wrote
# the losses to pycore/data/ln_ablation.json (a test reruns it and compares); this demo draws
# them. Its forward and backward passes are pycore's attention, FFN and LayerNorm, wired:
#   pre:          x + F(LN(x))      post: LN(x + F(x))      no residual: F(LN(x))
import json
import pkgutil

import numpy as np

import pycore as pc

window = 10  # @param {type: "slider", min: 1, max: 25, step: 1}

data = json.loads(pkgutil.get_data("pycore", "data/ln_ablation.json").decode("utf-8"))
settings, runs = data["settings"], data["runs"]
names = {"pre": "pre-LN", "pre_warmup": "pre-LN, warm-up", "post": "post-LN",
         "post_warmup": "post-LN, warm-up", "no_residual": "no residual"}


def smooth(losses, w):
    """Moving average over the last w steps (fewer at the start), so curves are readable."""
    c = np.cumsum(np.concatenate([[0.0], losses]))  # (N + 1,)
    n = np.arange(1, len(losses) + 1)
    start = np.maximum(0, n - w)
    return (c[n] - c[start]) / (n - start)


steps = np.arange(1, settings["steps"] + 1)
final = {name: float(np.mean(run["losses"][-10:])) for name, run in runs.items()}
learned = {name: (data["uniform"] - final[name]) / (data["uniform"] - data["entropy_rate"])
           for name in runs}  # 0: still a uniform guess; 1: the best possible model
for name in runs:
    print(f"{names[name]:17s} loss over the last 10 steps {final[name]:.3f} nats "
          f"({learned[name]:.0%} of the way from uniform to the floor)")
print(f"uniform guess {data['uniform']:.3f}, symbol frequencies only {data['unigram']:.3f}, "
      f"best possible (entropy rate) {data['entropy_rate']:.3f}")

F = pc.figures
F.show(F.lines(steps, {names[n]: smooth(runs[n]["losses"], window) for n in runs},
               x_title="training step", y_title="loss (nats)",
               hlines={"uniform guess": data["uniform"], "symbol frequencies only": data["unigram"],
                       "best possible": data["entropy_rate"]},
               caption=(f"{settings['n_layers']} layers trained five ways (moving average over "
                        f"{window} steps; warm-up: the learning rate rises linearly over the "
                        f"first {settings['warmup_steps']} steps). Pre-LN learns what follows what; "
                        "post-LN and the stack without residual connections learn little more "
                        "than how often each symbol occurs.")))

result = {"settings": settings, "final": final, "learned": learned,
          "uniform": data["uniform"], "unigram": data["unigram"],
          "entropy_rate": data["entropy_rate"],
          "first_grad_norm": {name: run["grad_norms"][0] for name, run in runs.items()}}
