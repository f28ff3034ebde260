# Gradient check: the hand-written backward pass of a whole (tiny) decoder against central
# finite differences, (L(p + h) - L(p - h)) / 2h, one parameter entry at a time, in float64.
import numpy as np

import pycore as pc

activation = "gelu"  # @param {type: "select", options: ["relu", "gelu", "swiglu"]}
norm = "layer"  # @param {type: "select", options: ["layer", "rms"]}

config = pc.TransformerConfig(vocab_size=7, d_model=8, n_heads=2, n_layers=1, d_ff=16,
                              max_len=5, activation=activation, norm=norm)
model = pc.DecoderLM(config, seed=1)  # float64 parameters
# At initialisation (std 0.02) every attention score is almost 0, so W_q and W_k get gradients
# so small that round-off in the finite differences swamps them. Larger query/key weights make
# the attention pattern matter and the test sharper.
for layer in model.params["layers"]:
    layer["attn"]["W_q"] *= 25.0
    layer["attn"]["W_k"] *= 25.0
rng = np.random.default_rng(0)
ids = rng.integers(0, config.vocab_size, size=(2, 5))  # (B, T)
targets = rng.integers(0, config.vocab_size, size=(2, 5))  # (B, T)

loss, grads = pc.loss_and_grads(model, ids, targets)
analytic = pc.flatten_params(grads)  # name -> gradient array
flat = pc.flatten_params(model.params)  # name -> the model's own arrays (perturbed in place)


def current_loss():
    return pc.cross_entropy(model(ids), targets)


errors = {}
for name, p in flat.items():
    numeric = pc.numerical_gradient(current_loss, p, h=1e-5)
    a = analytic[name]
    # Relative error; the 1e-8 floor keeps a gradient that is exactly zero (b_k: adding the
    # same number to every score of a query changes no softmax weight) from dividing 0 by 0.
    errors[name] = float(np.linalg.norm(a - numeric)
                         / max(np.linalg.norm(a) + np.linalg.norm(numeric), 1e-8))
    print(f"{name:24s} {str(p.shape):10s} relative error {errors[name]:.1e}")

TOLERANCE = 1e-6  # what float64 central differences can resolve here
worst = max(errors, key=errors.get)
print(f"loss {loss:.4f}; worst: {worst} at {errors[worst]:.1e}")

# The errors themselves are round-off, different on every platform, so `result` keeps only
# platform-independent facts about them (the printed lines above show the values).
result = {
    "loss": loss,
    "n_groups": len(errors),
    "n_entries": int(sum(p.size for p in flat.values())),
    "tolerance": TOLERANCE,
    "groups_within_tolerance": sum(1 for e in errors.values() if e < TOLERANCE),
}
