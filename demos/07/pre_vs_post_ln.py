# Pre-LN vs post-LN at initialisation (Xiong et al. 2020): build two decoders that differ only
# in where the normalisation sits, run one batch forward and backward, and measure
#  - the residual-stream norm after each layer (model.forward diagnostics),
#  - the gradient norm of each layer's parameters (pc.loss_and_grads),
#  - how the last layer's gradient changes with depth.
import numpy as np

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
        "grad_min": min(grad),
        "grad_max": max(grad),
    }
    print(f"{position}-LN: residual norm after layer 1 = {residual[1]:.2f}, after layer "
          f"{n_layers} = {residual[-1]:.2f}; gradient norm layer 1 = {grad[0]:.3f}, "
          f"layer {n_layers} = {grad[-1]:.3f}")

depths = [1, 2, 4, 8, 16]
sweep = {position: [measure(position, L)[1][-1] for L in depths] for position in ("pre", "post")}
print("\nlast layer's gradient norm vs depth L:")
for i, L in enumerate(depths):
    print(f"  L = {L:2d}: pre-LN {sweep['pre'][i]:.3f}, post-LN {sweep['post'][i]:.3f}")

F = pc.figures
layers = np.arange(n_layers + 1)  # (L + 1,): 0 = embeddings, then after each layer
names = {"pre": "pre-LN", "post": "post-LN"}
F.show(F.panels([
    F.lines(layers, {names[p]: stats[p]["residual_norms"] for p in names}, points=True,
            x_title="layer (0 = embeddings)", y_title="mean ‖x‖",
            title="residual stream norm", caption="Residual-stream norm after each layer."),
    F.lines(layers[1:], {names[p]: stats[p]["grad_norms"] for p in names}, points=True,
            x_title="layer", y_title="‖∂loss/∂θ‖ of the layer",
            title="gradient norm per layer", caption="Gradient norm of each layer."),
], caption=(f"{n_layers} layers at initialisation ({init}). Pre-LN's stream is a running sum "
            "that grows with depth while post-LN renormalises it after every layer; pre-LN's "
            "gradients fall from the first layer to the last, post-LN's stay level.")))

F.show(F.lines(depths, {"pre-LN": sweep["pre"], "post-LN": sweep["post"],
                        "pre-LN at L = 1, × 1/√L": sweep["pre"][0] / np.sqrt(depths)},
               points=True, dashed=["pre-LN at L = 1, × 1/√L"],
               x_title="number of layers L", y_title="last layer's gradient norm",
               caption=("The last layer's gradient norm against depth. Pre-LN's shrinks "
                        "roughly like 1/√L (the dashed guide), post-LN's does not "
                        "(Xiong et al. 2020, theorem 1).")))

result = {"n_layers": n_layers, "init": init, "norm": norm, "pre": stats["pre"],
          "post": stats["post"], "depths": depths, "sweep": sweep,
          "post_over_pre_deepest": sweep["post"][-1] / sweep["pre"][-1]}
