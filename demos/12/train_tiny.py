# Train a tiny GPT-style model on a short text with pycore's own backward passes and AdamW.
# The loss is printed as it trains (press Stop to end early) and plotted at the end.
import numpy as np

import pycore as pc

steps = 60  # @param {type: "slider", min: 10, max: 300, step: 10}
lr = 0.01  # @param {type: "select", options: [0.001, 0.003, 0.01, 0.03]}

text = "the cat sat on the mat. the dog sat on the log. " * 4
tokenizer = pc.CharTokenizer(text, byte_fallback=False)
data = np.array(tokenizer.encode(text))  # (N,) token ids
V = tokenizer.vocab_size
config = pc.TransformerConfig(vocab_size=V, d_model=32, n_heads=2, n_layers=1, d_ff=64,
                              max_len=16)
model = pc.DecoderLM(config, seed=0)

losses = []
for info in pc.train(model, data, steps=steps, batch_size=8, seq_len=16, lr=lr, seed=0):
    losses.append(info["loss"])
    if info["step"] == 1 or info["step"] % 10 == 0:
        print(f"step {info['step']:4d}  loss {info['loss']:.3f}  lr {info['lr']:.4f}")

uniform = float(np.log(V))  # the loss of a model that knows nothing: -log(1/V)
print(f"chance level log(V) = {uniform:.3f} with V = {V} characters")

pc.figures.show(pc.figures.lines(
    np.arange(1, len(losses) + 1), {"training loss": losses}, x_title="step",
    y_title="cross-entropy (nats)", hlines={"log V (uniform guess)": uniform},
    caption=("The training loss per step. It starts near log V, the loss of a uniform "
             "guess over the characters, and falls well below it as the model learns the "
             "text.")))

result = {
    "steps": len(losses),
    "vocab_size": V,
    "log_V": uniform,
    "first_loss": losses[0],
    "last_loss": losses[-1],
    "n_params": pc.count_parameters(config),
}
