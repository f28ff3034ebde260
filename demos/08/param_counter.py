# Where a decoder's parameters live. Sizes come from pc.parameter_shapes (the shapes that
# pc.init_params fills) and are checked against pc.count_parameters. Pick a published model
# (a pycore preset) or "custom" to set the shape with the controls below.

import pycore as pc

model = "custom"  # @param {type: "select", options: ["custom", "gpt2-small", "gpt3-175b", "llama3-70b"]}
d_model = 768  # @param {type: "select", options: [128, 256, 512, 768, 1024, 4096]}
n_layers = 12  # @param {type: "slider", min: 1, max: 48, step: 1}
activation = "gelu"  # @param {type: "select", options: ["relu", "gelu", "swiglu"]}
swiglu_two_thirds = True  # @param {type: "checkbox"}
tie_embeddings = True  # @param {type: "checkbox"}
vocab_size = 50257  # @param {type: "select", options: [256, 32000, 50257, 128256]}

PRESETS = ("gpt2-small", "gpt3-175b", "llama3-70b")


def ffn_width(d_model, activation, two_thirds):
    """d_ff: 4 d_model, or 2/3 of that for SwiGLU (rounded up to a multiple of 8)."""
    if activation == "swiglu" and two_thirds:
        return -(-(8 * d_model // 3) // 8) * 8
    return 4 * d_model


def size(node):
    """Number of parameters in a nested dict/list of shape tuples."""
    if isinstance(node, dict):
        return sum(size(v) for v in node.values())
    if isinstance(node, list):
        return sum(size(v) for v in node)
    count = 1
    for n in node:
        count *= n
    return count


def custom_config(activation, d_ff):
    return pc.TransformerConfig(vocab_size=vocab_size, d_model=d_model,
                                n_heads=max(1, d_model // 64), n_layers=n_layers, d_ff=d_ff,
                                max_len=1024, activation=activation,
                                tie_embeddings=tie_embeddings)


if model == "custom":
    config = custom_config(activation, ffn_width(d_model, activation, swiglu_two_thirds))
else:
    config = pc.TransformerConfig.preset(model)
d_model, n_layers, activation, d_ff = (config.d_model, config.n_layers, config.activation,
                                       config.d_ff)
vocab_size, tie_embeddings = config.vocab_size, config.tie_embeddings


def ffn_size(activation, d_ff):
    """Parameters of one FFN of this model's d_model with another activation and width."""
    return size(pc.parameter_shapes(config.replace(activation=activation, d_ff=d_ff))
                ["layers"][0]["ffn"])


shapes = pc.parameter_shapes(config)
layer = shapes["layers"][0]
pieces = {
    "token embedding": size(shapes["tokens"]),
    "positions": size(shapes["positions"]) if "positions" in shapes else 0,
    "attention (all layers)": n_layers * size(layer["attn"]),
    "FFN (all layers)": n_layers * size(layer["ffn"]),
    "norms": n_layers * (size(layer["attn_norm"]) + size(layer["ffn_norm"]))
    + size(shapes.get("final_norm", {})),
    "lm_head": size(shapes["lm_head"]) if "lm_head" in shapes else 0,
}
total = sum(pieces.values())
if total != pc.count_parameters(config):
    raise AssertionError(f"shapes give {total}, count_parameters {pc.count_parameters(config)}")

block = size(layer)
ffn_share_of_block = size(layer["ffn"]) / block
attention_share_of_block = size(layer["attn"]) / block
print(f"{model}: d_model {d_model}, {n_layers} layers, h = {config.n_heads}, {activation} FFN with "
      f"d_ff = {d_ff}, V = {vocab_size}, tied embeddings: {tie_embeddings}")
for name, count in pieces.items():
    print(f"  {name:24s} {count:>15,d}  {count / total:6.1%}")
print(f"  {'total':24s} {total:>15,d}  (= pc.count_parameters)")
print(f"one block: {block:,d} parameters; FFN {ffn_share_of_block:.1%}, "
      f"attention {attention_share_of_block:.1%}")

# The same comparison for every FFN choice at this d_model (per layer).
gelu_ffn = ffn_size("gelu", 4 * d_model)
swiglu_4x = ffn_size("swiglu", 4 * d_model)
swiglu_sized = ffn_size("swiglu", ffn_width(d_model, "swiglu", True))
print(f"FFN per layer: GELU (d_ff = 4 d) {gelu_ffn:,d}; SwiGLU with d_ff = 4 d {swiglu_4x:,d} "
      f"({swiglu_4x / gelu_ffn:.2f}x); SwiGLU with 2/3 of it {swiglu_sized:,d} "
      f"({swiglu_sized / gelu_ffn:.2f}x)")

shown = [name for name, count in pieces.items() if count]  # tied: no lm_head
pc.figures.show(pc.figures.bars(
    ["all parameters"], {name: [pieces[name] / total] for name in shown},
    y_title="share of all parameters", stacked=True, annotate=True, fmt=".1%", domain=(0, 1),
    title=f"{total / 1e6:,.1f} M parameters",
    caption=("Where the parameters live. Within a block the FFN holds about two thirds "
             "(with d_ff = 4·d_model), so the FFNs dominate once the layers outweigh the "
             "token embedding; a large vocabulary with a small d_model reverses that.")))

# The published models side by side, whatever the controls say (FFN width as a multiple of
# d_model, and the FFNs' share of all parameters).
presets = {}
for name in PRESETS:
    c = pc.TransformerConfig.preset(name)
    ffn_all = c.n_layers * size(pc.parameter_shapes(c)["layers"][0]["ffn"])
    presets[name] = {"total": pc.count_parameters(c), "d_model": c.d_model, "d_ff": c.d_ff,
                     "d_ff_over_d_model": c.d_ff / c.d_model,
                     "ffn_share_of_model": ffn_all / pc.count_parameters(c)}
    print(f"{name}: {presets[name]['total']:,d} parameters, d_ff = "
          f"{presets[name]['d_ff_over_d_model']:.3g} d_model, FFNs "
          f"{presets[name]['ffn_share_of_model']:.1%}")

result = {
    "model": model, "presets": presets, "eight_thirds_d_ff": ffn_width(d_model, "swiglu", True),
    "d_model": d_model, "n_layers": n_layers, "activation": activation, "d_ff": d_ff,
    "pieces": pieces, "total": total, "block": block,
    "ffn_share_of_block": ffn_share_of_block,
    "attention_share_of_block": attention_share_of_block,
    "ffn_share_of_model": pieces["FFN (all layers)"] / total,
    "token_share_of_model": pieces["token embedding"] / total,
    "swiglu_4x_over_gelu": swiglu_4x / gelu_ffn,
    "swiglu_sized_over_gelu": swiglu_sized / gelu_ffn,
}
