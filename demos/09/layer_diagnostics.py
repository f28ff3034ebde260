# Looking inside the stack: for each layer, how spread out each head's attention is (entropy,
# in nats; log T would be uniform over every earlier position) and how large the residual
# stream has grown after each block. Every block *adds* to the same stream.
import matplotlib.pyplot as plt
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

fig, (ax_e, ax_n) = plt.subplots(1, 2, figsize=(7, 2.6))
width = 0.8 / h
for j in range(h):
    ax_e.bar(np.arange(L) + j * width, entropy[:, j], width=width, label=f"head {j}")
ax_e.axhline(uniform, color="gray", ls=":", lw=1)
ax_e.set_xticks(np.arange(L) + 0.4 - width / 2)
ax_e.set_xticklabels([f"layer {i}" for i in range(L)])
ax_e.set_title("mean attention entropy (nats)", fontsize=9)
ax_e.legend(fontsize=7)
ax_n.plot(range(L + 1), norms, "o-", color="tab:green")
ax_n.set_xticks(range(L + 1))
ax_n.set_xticklabels(["embed"] + [f"block {i}" for i in range(L)], fontsize=8)
ax_n.set_title("mean residual-stream norm", fontsize=9)
fig.tight_layout()

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
