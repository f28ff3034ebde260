# Two heads, two jobs. A one-layer toy model (pc.DecoderLM, trained here in about a second;
# not the book's language model) reads random symbols a, b, c, d and must output, at each
# position t, the PAIR (token at t - 1, token at t - 2) as one of 16 classes. One head can
# fetch one earlier token sharply; the task needs two. Measured: every head's average
# attention weight on t - 1 and on t - 2, before and after training.
import numpy as np

import pycore as pc

h = 2  # @param {type: "select", options: [1, 2, 4]}
steps = 70  # @param {type: "slider", min: 0, max: 150, step: 10}

S, T, B = 4, 10, 16  # symbols, sequence length, batch
symbols = "abcd"
config = pc.TransformerConfig(vocab_size=S * S, d_model=16, n_heads=h, n_layers=1, d_ff=32,
                              max_len=T, tie_embeddings=False)
model = pc.DecoderLM(config, seed=0)
optimizer = pc.AdamW(model.params, lr=3e-2, weight_decay=0.0)
rng = np.random.default_rng(0)
probe = np.random.default_rng(1).integers(0, S, size=(64, T))  # (64, T) held-out sequences
offsets = (1, 2)


def targets_of(ids):
    """Class S * x[t-1] + x[t-2] at each t >= 2; -1 (ignored) where there is no t - 2."""
    targets = np.full(ids.shape, -1)  # (B, T)
    targets[:, 2:] = S * ids[:, 1:-1] + ids[:, :-2]
    return targets


def offset_weights():
    """Per head, mean attention weight from t to t - 1 and to t - 2 (t >= 2): (h, 2)."""
    _, diagnostics = model.forward(probe, return_diagnostics=True)
    weights = diagnostics["attention"][0]  # (64, h, T, T)
    rows = np.arange(2, T)
    on = [weights[:, :, rows, rows - k].mean(axis=(0, 2)) for k in offsets]  # 2 x (h,)
    return np.stack(on, axis=1), weights


before, _ = offset_weights()
losses = []
for _ in range(steps):
    ids = rng.integers(0, S, size=(B, T))  # (B, T) random symbols
    loss, grads = pc.loss_and_grads(model, ids, targets_of(ids), ignore_index=-1)
    optimizer.step(grads)
    losses.append(loss)
after, weights = offset_weights()
# A head that ignores order spreads its weight evenly over the t + 1 visible keys.
uniform = float(np.mean(1.0 / (np.arange(2, T) + 1)))
jobs = [f"t − {offsets[int(np.argmax(row))]}" for row in after]  # each head's main offset
# The work is split when both offsets have a head of their own holding most of its weight.
split = len(set(jobs)) == 2 and bool(np.all(after.max(axis=1) > 0.5))

print(f"task: output (token t-1, token t-2) as one of {S * S} classes; {steps} steps, {h} heads")
if losses:
    print(f"loss: {losses[0]:.3f} -> {losses[-1]:.3f}  (chance: ln {S * S} = "
          f"{np.log(S * S):.3f})")
print(f"uniform attention would put {uniform:.3f} on each of t-1 and t-2")
for i in range(h):
    print(f"head {i}: on t-1 {after[i, 0]:.3f}, on t-2 {after[i, 1]:.3f}  (before training "
          f"{before[i, 0]:.3f}, {before[i, 1]:.3f}) -> mostly {jobs[i]}")
print("the heads split the work" if split else "no clean split between heads")

F = pc.figures
heads = [f"head {i}" for i in range(h)]
summary = [F.bars(heads, {"on t − 1": after[:, 0], "on t − 2": after[:, 1]}, domain=(0, 1),
                  annotate=h <= 2, fmt=".2f", y_title="mean attention weight",
                  hlines={"uniform": uniform}, title="Each head's job after training",
                  caption="Mean weight of each head on the token one back and two back.")]
if losses:
    summary.insert(0, F.lines(np.arange(1, steps + 1), losses, x_title="step",
                              y_title="cross-entropy", hlines={"chance": np.log(S * S)},
                              title="Training loss", caption="Cross-entropy per step."))
seen = [f"{t}:{symbols[token]}" for t, token in enumerate(probe[0])]  # position:symbol
F.show(
    F.panels(summary, columns=2, caption=(
        f"Task: output the tokens 1 and 2 back. After {steps} steps, each of the {h} heads' "
        "mean weight on t − 1 and on t − 2.")),
    F.panels([F.heatmap(weights[0, i], row_labels=seen, col_labels=seen,
                        masked=~pc.causal_mask(T), domain=(0, 1), row_title="query",
                        col_title="key", value_title="weight", title=f"head {i}",
                        caption=f"Head {i}'s weights on one held-out sequence.")
              for i in range(h)], columns=min(h, 2), caption=(
        "Every head's weights on one held-out sequence: a head that fetches t − k lights "
        "the cells k left of the diagonal. Future keys are masked.")))

result = {"h": h, "steps": steps, "uniform": uniform,
          "before": before, "after": after, "jobs": jobs, "split": bool(split),
          "final_loss": float(losses[-1]) if losses else None}
