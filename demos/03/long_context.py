# The book's character model past its training length. lm_tiny (RoPE) was trained on windows
# of max_len = 64 characters. Here it reads 4 held-out windows of 4 x 64 = 256 characters
# (text it never trained on: the last 10 % of its corpus, models/corpus.txt) and we measure
# its loss at every position. "interpolated" squeezes positions 0..255 into 0..64 (position
# interpolation, Chen et al. 2023) without the fine-tuning that method relies on.
import numpy as np

import pycore as pc

scheme = "as trained"  # @param {type: "select", options: ["as trained", "interpolated"]}

HELD_OUT = (
    "demo(\"07/check_yourself\") }}\n\n## Summary\n\n- The residual connection's identity"
    " path carries gradients through any depth.\n- LayerNorm normalises each token over i"
    "ts features, then applies $\\gamma$ and $\\beta$; RMSNorm divides by the root mean s"
    "quare only.\n- Post-LN normalises after the addition, pre-LN before the sublayer; pr"
    "e-LN trains without warm-up, and its stream grows with depth.\n- Dropout acts in tra"
    "ining only.\n\n## References\n\n- Ba, Kiros & Hinton (2016), *Layer Normalization*."
    "\n- Zhang & Sennrich (2019), *Root Mean Square Layer Normalization*.\n- Xiong et al."
    " (2020), *On Layer Normalization in the Transformer Architecture*.\n- He et al. (201"
    "6), *Deep Residual Learning for Image Recognition*.\n- Li et al. (2018), *Visualizin"
    "g the Loss Landscape of Neural Nets*.\n- Vaswani et al. (2017), *Attention Is All Yo"
    "u Need*, §3.1 and §5.4.\n- pycore source: [`norms`](../api.md#pycore.norms), [`block"
    "`](../api.md#pycore.block), [`multi_head`](../api.md#pycore.multi_head).\n\n# 08 · T"
    "he transformer block\n\nAttention moves inf"
)
T_train, T, n_windows = 64, 256, 4

model, tokenizer = pc.load_pretrained("lm_tiny")
config = model.config
assert config.positional == "rope" and config.max_len == T_train
# A float64 copy of the float32 weights: the page and CPython compute the same numbers.
flat = {name: w.astype(np.float64) for name, w in pc.flatten_params(model.params).items()}
params = pc.unflatten_params(flat, model.params)
ids = np.array(tokenizer.encode(HELD_OUT))  # (n_windows T + 1,)
inputs = ids[:-1].reshape(n_windows, T)  # (n_windows, T)
targets = ids[1:].reshape(n_windows, T)  # (n_windows, T): the next character at each place

# model.forward refuses T > max_len, so run the blocks directly, with the positions we choose.
positions = np.arange(T) * (T_train / T if scheme == "interpolated" else 1.0)  # (T,)
x = params["tokens"][inputs]  # (n_windows, T, d_model)
for layer in params["layers"]:
    x, _ = pc.block_forward(x, layer, config, causal=True, positions=positions)
x = pc.layer_norm(x, params["final_norm"]["gamma"], params["final_norm"]["beta"])
logits = x @ params["tokens"].T  # (n_windows, T, V)
log_probs = logits - logits.max(axis=-1, keepdims=True)
log_probs -= np.log(np.exp(log_probs).sum(axis=-1, keepdims=True))  # (n_windows, T, V)
loss = -np.take_along_axis(log_probs, targets[..., None], axis=-1)[..., 0]  # (n_windows, T)
by_position = loss.mean(axis=0)  # (T,) nats, averaged over the windows
by_block = by_position.reshape(T // T_train, T_train).mean(axis=1)  # (4,) per 64 positions
by_16 = by_position.reshape(T // 16, 16).mean(axis=1)  # (16,) for the figure
uniform = float(np.log(config.vocab_size))  # loss of a model that knows nothing

pc.figures.show(pc.figures.lines(
    np.arange(8, T, 16), {"loss": by_16}, points=True, x_title="position (16-position means)",
    y_title="loss (nats per character)", vlines={"max_len": T_train},
    hlines={"uniform": uniform},
    caption=(f"lm_tiny's loss by position on held-out text, positions {scheme}: beyond the "
             f"{T_train} positions it was trained on, the loss climbs toward a uniform guess.")))
for b, value in enumerate(by_block):
    print(f"positions {b * T_train:3d}-{(b + 1) * T_train - 1:3d}: {value:.2f} nats")
print(f"uniform guess over {config.vocab_size} characters: {uniform:.2f} nats")

result = {
    "scheme": scheme,
    "T_train": T_train,
    "T": T,
    "n_windows": n_windows,
    "by_block": by_block,
    "by_16": by_16,
    "uniform": uniform,
}
