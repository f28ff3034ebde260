# Head specialisation, measured on a toy: a one-layer model (pc.DecoderLM) trained here, for a
# fraction of a second, to output the token `offset` positions back. This is NOT the site's
# trained language model; it shows how a head's job is measured: average attention weight
# from each position t to position t - offset.
import numpy as np

import pycore as pc

offset = 1  # @param {type: "select", options: [1, 2, 3]}
steps = 60  # @param {type: "slider", min: 0, max: 150, step: 10}
h = 2  # @param {type: "select", options: [1, 2, 4]}

V, T, B = 12, 10, 8
config = pc.TransformerConfig(vocab_size=V, d_model=16, n_heads=h, n_layers=1, d_ff=32,
                              max_len=T)
model = pc.DecoderLM(config, seed=0)
optimizer = pc.AdamW(model.params, lr=3e-2, weight_decay=0.0)
rng = np.random.default_rng(0)
probe = np.random.default_rng(1).integers(0, V, size=(64, T))  # (64, T) held-out sequences


def offset_scores():
    """Per head: mean attention weight from position t to t - offset, for t >= offset."""
    _, diagnostics = model.forward(probe, return_diagnostics=True)
    weights = diagnostics["attention"][0]  # (64, h, T, T)
    rows = np.arange(offset, T)
    return weights[:, :, rows, rows - offset].mean(axis=(0, 2)), weights  # (h,), (64, h, T, T)


before, _ = offset_scores()
losses = []
for _ in range(steps):
    ids = rng.integers(0, V, size=(B, T))  # (B, T) random tokens
    targets = np.full((B, T), -1)  # positions with nothing `offset` back are ignored
    targets[:, offset:] = ids[:, :-offset]  # the token `offset` positions earlier
    loss, grads = pc.loss_and_grads(model, ids, targets, ignore_index=-1)
    optimizer.step(grads)
    losses.append(loss)
after, weights = offset_scores()
# A head that ignores order spreads its weight evenly over the t + 1 visible keys.
uniform = float(np.mean(1.0 / (np.arange(offset, T) + 1)))
best = int(np.argmax(after))

print(f"task: output the token {offset} position(s) back; {steps} training steps")
if losses:
    print(f"loss: {losses[0]:.3f} -> {losses[-1]:.3f}  (chance: ln V = {np.log(V):.3f})")
print(f"uniform attention would put {uniform:.3f} on position t - {offset}")
for i in range(h):
    print(f"head {i}: weight on t - {offset}: before {before[i]:.3f}, after {after[i]:.3f}")

F = pc.figures
heads = [f"head {i}" for i in range(h)]
summary = [F.bars(heads, {"uniform attention": [uniform] * h, "before training": before,
                         "after training": after}, domain=(0, 1), annotate=h <= 2, fmt=".2f",
                  y_title=f"weight on t − {offset}", title="Each head's job",
                  caption=f"Mean attention weight on position t − {offset}, per head.")]
if losses:
    summary.insert(0, F.lines(np.arange(1, steps + 1), losses, x_title="step",
                              y_title="cross-entropy", hlines={"chance: ln V": np.log(V)},
                              title="Training loss", caption="Cross-entropy per step."))
seen = [f"{t}:{token}" for t, token in enumerate(probe[0])]  # position:token id
F.show(
    F.panels(summary, columns=2, caption=(
        f"Task: output the token {offset} back. After {steps} training steps head {best} "
        f"puts {after[best]:.2f} of its weight on position t − {offset} (before training "
        f"{before[best]:.2f}; uniform attention {uniform:.2f}).")),
    F.heatmap(weights[0, best], row_labels=seen, col_labels=seen, masked=~pc.causal_mask(T),
              domain=(0, 1), row_title="query (position:token)", col_title="key",
              value_title="weight", caption=(
                  f"Head {best}'s weights on one held-out sequence. A head that has learned "
                  f"the task puts each query's weight {offset} cell(s) left of the diagonal. "
                  "Future keys are masked.")))

result = {"offset": offset, "steps": steps, "h": h, "uniform": uniform,
          "before": before, "after": after, "best_head": best,
          "best_after": float(after[best]),
          "final_loss": float(losses[-1]) if losses else None}
