# Head specialisation, measured on a toy: a one-layer model (pc.DecoderLM) trained here, for a
# fraction of a second, to output the token `offset` positions back. This is NOT the site's
# trained language model; it shows how a head's job is measured: average attention weight
# from each position t to position t - offset.
import matplotlib.pyplot as plt
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

fig, (ax_loss, ax_map) = plt.subplots(1, 2, figsize=(7, 3))
ax_loss.plot(losses)
ax_loss.set_xlabel("step")
ax_loss.set_ylabel("cross-entropy")
ax_loss.set_title("training loss")
ax_map.imshow(weights[0, best], cmap="viridis", vmin=0, vmax=1)
ax_map.set_xticks(range(0, T, 2))
ax_map.set_yticks(range(0, T, 2))
ax_map.set_xlabel("key position")
ax_map.set_ylabel("query position")
ax_map.set_title(f"head {best}, one sequence")
fig.tight_layout()

result = {"offset": offset, "steps": steps, "h": h, "uniform": uniform,
          "before": before, "after": after, "best_head": best,
          "best_after": float(after[best]),
          "final_loss": float(losses[-1]) if losses else None}
