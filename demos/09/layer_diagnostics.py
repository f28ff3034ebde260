# Looking inside the stack: for each layer, how spread out each head's attention is (entropy,
# in nats; log T would be uniform over every earlier position) and how large the residual
# stream has grown after each block. Every block *adds* to the same stream. The attention view
# under the bars draws the heads' weights themselves.
import numpy as np

import pycore as pc

text = "The attention heads"  # @param {type: "select", options: ["The attention heads", "A model"]}
model, tok = pc.load_pretrained("lm_tiny")
ids = np.array([tok.encode(text)])  # (1, T)
logits, diag = model.forward(ids, return_diagnostics=True)
L, h, T = model.config.n_layers, model.config.n_heads, ids.shape[1]

# attention: L arrays (1, h, T, T); each row t is a distribution over positions 0..t.
entropy = np.stack([pc.attention_entropy(a[0]).mean(axis=-1) for a in diag["attention"]])  # (L, h)
norms = pc.residual_norms(diag["residuals"])  # (L + 1,): embedding, then after each block
uniform = float(np.mean(np.log(np.arange(1, T + 1))))  # mean over rows of log(t + 1)

F = pc.figures
F.show(F.panels([
    F.bars([f"layer {i}" for i in range(L)], {f"head {j}": entropy[:, j] for j in range(h)},
           y_title="mean entropy (nats)", hlines={"uniform": uniform},
           title="attention entropy", caption="Mean attention entropy per layer and head."),
    F.bars(["embedding"] + [f"block {i}" for i in range(L)], norms, y_title="mean ‖x‖",
           title="residual-stream norm",
           caption="Mean residual-stream norm after the embedding and each block."),
], caption=("Attention entropy shows how spread out each head's attention is: the line "
            "marks uniform attention over every earlier position, and lower bars are sharper "
            "heads. The residual stream's norm grows as every block adds to it.")))
attention = np.stack([a[0] for a in diag["attention"]])  # (L, h, T, T)
F.show(F.attention_view(
    [tok.decode([int(i)]) for i in ids[0]], attention, threshold=0.01,  # lines under 1% would be invisible
    caption=("The same heads' attention, query characters on the left and the earlier "
             "characters they read on the right: a low-entropy head draws a few thick lines, "
             "a high-entropy one many faint lines.")))

print("entropy per layer and head (nats):\n", np.round(entropy, 3))
print(f"uniform attention would average {uniform:.3f} nats")
print("residual norm after embedding and each block:", np.round(norms, 2))

result = {
    "text": text,
    "n_layers": L,
    "n_heads": h,
    "T": T,
    "entropy": entropy,
    "uniform_entropy": uniform,
    "min_entropy": float(entropy.min()),
    "max_entropy": float(entropy.max()),
    "norms": norms,
    "norm_growth": float(norms[-1] / norms[0]),
}
