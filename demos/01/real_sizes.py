# The shape map at real sizes. Pick a model: its published shape comes from a pycore preset
# (GPT-3 175B: Brown et al. 2020, table 2.1), the shipped model's from its config. The table
# gives every tensor of one forward pass for one sequence (B = 1) at the full context T.
import pycore as pc

model_name = "gpt3-175b"  # @param {type: "select", options: ["lm_tiny", "gpt2-small", "gpt3-175b", "llama3-70b"]}

if model_name == "lm_tiny":
    config = pc.load_pretrained("lm_tiny")[0].config
else:
    config = pc.TransformerConfig.preset(model_name)
B, T = 1, config.max_len
h, d, d_head = config.n_heads, config.d_model, config.d_head
shapes = [
    ("token ids", (B, T)),
    ("residual stream X", (B, T, d)),
    ("Q after splitting heads", (B, h, T, d_head)),
    ("scores and weights, one layer", (B, h, T, T)),
    ("FFN hidden layer", (B, T, config.d_ff)),
    ("logits", (B, T, config.vocab_size)),
]
sizes = []
for _, shape in shapes:
    n = 1
    for axis in shape:
        n *= axis  # Python ints: GPT-3's products stay exact
    sizes.append(n)
n_params = pc.count_parameters(config)

pc.figures.show(pc.figures.table(
    {"tensor": [name for name, _ in shapes],
     "shape": [" × ".join(f"{n:,}" for n in shape) for _, shape in shapes],
     "numbers": sizes},
    formats={"numbers": ",.0f"},
    caption=(f"{model_name}: {config.n_layers} layers of {h} heads, d_model {d:,}, d_ff "
             f"{config.d_ff:,}, V {config.vocab_size:,}, context {T:,}; the same shapes as the "
             "small model's, only the numbers grow.")))
print(f"{model_name}: {n_params:,} parameters")
print(f"one layer's scores for one sequence of {T:,} tokens: {sizes[3]:,} numbers "
      f"({sizes[3] / sizes[1]:.0f} times the residual stream)")

result = {
    "model": model_name,
    "n_layers": config.n_layers,
    "h": h,
    "d_model": d,
    "d_ff": config.d_ff,
    "d_head": d_head,
    "V": config.vocab_size,
    "context": T,
    "n_params": float(n_params),
    "n_params_billions": n_params / 1e9,
    "shapes": [list(shape) for _, shape in shapes],
    "sizes": [float(n) for n in sizes],
    "scores_over_residual": sizes[3] / sizes[1],
}
