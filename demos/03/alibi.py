# ALiBi (Press et al. 2022): no position vectors at all. Each head adds -slope * distance to its
# attention scores; the slopes form a geometric sequence starting at 2^(-8/h).
import numpy as np

import pycore as pc

n_heads = 8  # @param {type: "select", options: [1, 2, 4, 8, 12, 16]}
T = 12

slopes = pc.alibi_slopes(n_heads)  # (h,)
bias = pc.alibi_bias(n_heads, T)  # (h, T, T)
future = ~pc.causal_mask(T)  # (T, T) True above the diagonal: masked in a decoder

shown = sorted({0, n_heads // 4, n_heads // 2, n_heads - 1})  # up to 4 heads, steep to flat
low = float(bias[shown].min())  # one colour scale for every panel
pc.figures.show(pc.figures.panels([
    pc.figures.heatmap(bias[head] + 0.0, masked=future, domain=(low, 0.0),  # + 0.0: no -0.
                       row_title="query i", col_title="key j", value_title="bias",
                       title=f"head {head}: m = 1/{1 / slopes[head]:g}",
                       caption=f"ALiBi bias of head {head}.")
    for head in shown], columns=2, caption=(
        f"ALiBi's bias −m·(i − j) for {len(shown)} of the {n_heads} heads: zero on the "
        "diagonal, falling linearly with the distance back, steeply for the first head and "
        "gently for the last. Future keys (j > i) are masked in a decoder."),
    alt=(f"{len(shown)} heatmaps of the {T} by {T} ALiBi bias, one per head, with slopes "
         + ", ".join(f"1/{1 / slopes[head]:g}" for head in shown) + ". Each is 0 on the "
         f"diagonal and decreases by the slope per step back, down to {low:g}; cells above "
         "the diagonal are masked.")))

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
