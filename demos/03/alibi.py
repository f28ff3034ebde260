# ALiBi (Press et al. 2022): no position vectors at all. Each head adds -slope * distance to its
# attention scores; the slopes form a geometric sequence starting at 2^(-8/h).
import matplotlib.pyplot as plt
import numpy as np

import pycore as pc

n_heads = 8  # @param {type: "select", options: [1, 2, 4, 8, 12, 16]}
T = 12

slopes = pc.alibi_slopes(n_heads)  # (h,)
bias = pc.alibi_bias(n_heads, T)  # (h, T, T)
future = ~pc.causal_mask(T)  # (T, T) True above the diagonal: masked in a decoder

shown = list(range(min(n_heads, 8)))  # draw at most 8 heads: first and steepest ones
cols = min(len(shown), 4)
rows = (len(shown) + cols - 1) // cols
fig, axes = plt.subplots(rows, cols, figsize=(1.8 * cols + 0.6, 1.9 * rows), squeeze=False)
low = bias[shown].min()
for ax, head in zip(axes.flat, shown):
    image = ax.imshow(np.ma.masked_where(future, bias[head]), cmap="magma", vmin=low, vmax=0)
    ax.set_title(f"head {head}: m = 1/{1 / slopes[head]:g}", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
for ax in list(axes.flat)[len(shown):]:
    ax.axis("off")
fig.colorbar(image, ax=axes.ravel().tolist(), fraction=0.04)

print("slopes:", ", ".join(f"1/{1 / s:g}" for s in slopes))
print("head 0, query 5, keys 0..5:", bias[0, 5, :6] + 0.0)  # + 0.0 turns -0. into 0.
# The decoder's view: causal mask and ALiBi bias go into the same attention call.
rng = np.random.default_rng(0)
q, k, v = rng.standard_normal((3, 1, n_heads, T, 4))  # (B, h, T, d_head) each
out, weights = pc.scaled_dot_product_attention(q, k, v, pc.causal_mask(T), bias=bias,
                                               return_weights=True)  # (1, h, T, T) weights
print("weights shape:", weights.shape)

result = {
    "n_heads": n_heads,
    "slopes": slopes,
    "diagonal_max": float(np.max(np.abs(np.diagonal(bias, axis1=1, axis2=2)))),
    "bias_head0_row5": bias[0, 5, :6],
    "weights_shape": weights.shape,
}
