# Pre-LN vs post-LN at initialisation (Xiong et al. 2020): build two decoders that differ only
# in where the normalisation sits, run one batch forward and backward, and measure
#  - the residual-stream norm after each layer (model.forward diagnostics),
#  - the gradient norm of each layer's parameters (pc.loss_and_grads),
#  - how the last layer's gradient changes with depth.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

import pycore as pc

n_layers = 12  # @param {type: "slider", min: 2, max: 24, step: 1}
init = "xavier"  # @param {type: "select", options: ["xavier", "gpt2"]}
norm = "layer"  # @param {type: "select", options: ["layer", "rms"]}

B, T, V, d_model = 2, 8, 64, 32
rng = np.random.default_rng(0)
ids = rng.integers(0, V, size=(B, T))  # (B, T) random tokens
targets = rng.integers(0, V, size=(B, T))  # (B, T) random next tokens


def build(norm_position, L):
    """A random-init DecoderLM. "xavier" is the initialisation Xiong et al. analyse; "gpt2" is
    pycore's default (std 0.02, output projections scaled by 1/sqrt(2L)), which keeps every
    sublayer's output small at the start and so hides most of the difference."""
    config = pc.TransformerConfig(vocab_size=V, d_model=d_model, n_heads=4, n_layers=L,
                                  d_ff=4 * d_model, max_len=T, norm=norm,
                                  norm_position=norm_position)
    params = pc.init_params(config, seed=0)
    if init == "xavier":
        init_rng = np.random.default_rng(1)
        for name, W in pc.flatten_params(params).items():
            if W.ndim != 2:
                continue  # biases stay 0, norm gains stay 1
            if name in ("tokens", "positions"):
                std = 1.0 / np.sqrt(d_model)  # embedding rows of norm about 1
            else:
                std = np.sqrt(2.0 / (W.shape[0] + W.shape[1]))  # Glorot and Bengio 2010
            W[...] = std * init_rng.standard_normal(W.shape)
    return pc.DecoderLM(config, params=params)


def measure(norm_position, L):
    model = build(norm_position, L)
    _, diagnostics = model.forward(ids, return_diagnostics=True)
    # residuals[0] is the embedding output, residuals[l] the stream after layer l: (B, T, d)
    residual = [float(np.linalg.norm(x, axis=-1).mean()) for x in diagnostics["residuals"]]
    _, grads = pc.loss_and_grads(model, ids, targets)
    grad = [pc.global_norm(grads["layers"][layer]) for layer in range(L)]
    return residual, grad


stats = {}
for position in ("pre", "post"):
    residual, grad = measure(position, n_layers)
    stats[position] = {
        "residual_norms": residual,
        "grad_norms": grad,
        "residual_growth": residual[-1] / residual[1],  # after the last layer / after the first
        "grad_ratio": grad[-1] / grad[0],  # last layer's gradient / first layer's
        "last_grad": grad[-1],
    }
    print(f"{position}-LN: residual norm after layer 1 = {residual[1]:.2f}, after layer "
          f"{n_layers} = {residual[-1]:.2f}; gradient norm layer 1 = {grad[0]:.3f}, "
          f"layer {n_layers} = {grad[-1]:.3f}")

depths = [1, 2, 4, 8, 16]
sweep = {position: [measure(position, L)[1][-1] for L in depths] for position in ("pre", "post")}
print("\nlast layer's gradient norm vs depth L:")
for i, L in enumerate(depths):
    print(f"  L = {L:2d}: pre-LN {sweep['pre'][i]:.3f}, post-LN {sweep['post'][i]:.3f}")

fig, (ax_res, ax_grad) = plt.subplots(1, 2, figsize=(7, 3))
layers = np.arange(0, n_layers + 1)
for position, style in (("pre", "o-"), ("post", "s--")):
    ax_res.plot(layers, stats[position]["residual_norms"], style, ms=3, label=f"{position}-LN")
    ax_grad.plot(layers[1:], stats[position]["grad_norms"], style, ms=3, label=f"{position}-LN")
ax_res.set_xlabel("layer (0 = embeddings)")
ax_res.set_ylabel("mean ||x|| of the residual stream")
ax_grad.set_xlabel("layer")
ax_grad.set_ylabel("gradient norm of the layer")
for ax in (ax_res, ax_grad):
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # layers are whole numbers
    ax.legend(fontsize=8)
fig.tight_layout()

fig2, ax = plt.subplots(figsize=(6, 3))
ax.plot(depths, sweep["pre"], "o-", label="pre-LN")
ax.plot(depths, sweep["post"], "s--", label="post-LN")
ax.plot(depths, sweep["pre"][0] / np.sqrt(depths), ":", color="gray",
        label="pre-LN at L = 1, times 1 / sqrt(L)")
ax.set_xticks(depths)
ax.set_xlabel("number of layers L")
ax.set_ylabel("last layer's gradient norm")
ax.set_ylim(bottom=0)
ax.legend(fontsize=8)
fig2.tight_layout()

result = {"n_layers": n_layers, "init": init, "norm": norm, "pre": stats["pre"],
          "post": stats["post"], "depths": depths, "sweep": sweep,
          "post_over_pre_deepest": sweep["post"][-1] / sweep["pre"][-1]}
