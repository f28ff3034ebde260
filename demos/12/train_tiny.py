# Train a tiny model on this book's own prose with pycore's hand-written backward passes and
# AdamW, holding text out for validation. The training text is 10 pieces of the corpus that
# lm_tiny was trained on (models/corpus.txt, its first 90 %); the validation text comes from
# the last 10 %, which no model here ever trains on. The curve is drawn as it trains (press
# Stop to end early).
import json
import pkgutil

import numpy as np

import pycore as pc

steps = 40  # @param {type: "slider", min: 10, max: 300, step: 10}
lr = 0.01  # @param {type: "select", options: [0.001, 0.003, 0.01, 0.03], label: "Learning rate"}
every = 10  # steps between validation measurements

sample = json.loads(pkgutil.get_data("pycore", "data/prose_sample.json"))
train_text = "".join(sample["train"])  # 10 pieces of 320 characters from the first 90 %
validation_text = sample["validation"]  # 8 x 32 + 1 characters from the held-out 10 %

lm_tiny, tokenizer = pc.load_pretrained("lm_tiny")  # for its tokenizer, and as a yardstick
V = tokenizer.vocab_size
data = np.array(tokenizer.encode(train_text))  # (N,) token ids
val_ids = np.array(tokenizer.encode(validation_text))  # (8 * 32 + 1,)
val_x = val_ids[:-1].reshape(8, 32)  # (8, 32) inputs
val_y = val_ids[1:].reshape(8, 32)  # (8, 32) next characters
config = pc.TransformerConfig(vocab_size=V, d_model=32, n_heads=2, n_layers=1, d_ff=64,
                              max_len=32)
model = pc.DecoderLM(config, seed=0)


def validation_loss(m):
    """Mean next-character cross-entropy (nats) on the held-out windows."""
    return float(pc.cross_entropy(m.forward(val_x), val_y))


def loss_figure(steps_so_far, train, validation, hlines):
    """The training and validation curves so far, with reference lines."""
    return pc.figures.lines(
        steps_so_far, {"training (mean of the last steps)": train,
                       "validation (held out)": validation},
        points=True, x_title="step", y_title="cross-entropy (nats per character)",
        hlines=hlines,
        caption=("Training and validation loss of a 1-layer model trained here on pieces of "
                 "the book's prose. Both start near log V and fall as the model learns which "
                 "characters are common and which follow which; lm_tiny, larger and trained "
                 "far longer on the whole corpus, sits much lower on the same validation "
                 "text."))


uniform = float(np.log(V))  # the loss of a uniform guess over the V characters
yardstick = validation_loss(lm_tiny)
references = {"log V (uniform guess)": uniform, "lm_tiny": yardstick}
losses = []  # training loss of every step's batch
checkpoints, train_curve, val_curve = [0], [], [validation_loss(model)]
for info in pc.train(model, data, steps=steps, batch_size=8, seq_len=32, lr=lr, seed=0):
    losses.append(info["loss"])
    if info["step"] == 1:
        train_curve.append(info["loss"])  # step 0: the untrained model's first batch
    if info["step"] % every == 0:
        checkpoints.append(info["step"])
        train_curve.append(float(np.mean(losses[-every:])))
        val_curve.append(validation_loss(model))
        print(f"step {info['step']:4d}  train {train_curve[-1]:.3f}  "
              f"validation {val_curve[-1]:.3f}")
        # Shown again under one key: the page redraws the curve as training goes.
        pc.figures.show(loss_figure(checkpoints, train_curve, val_curve, references),
                        key="loss")

print(f"log V = {uniform:.3f}; lm_tiny on the same validation text: {yardstick:.3f}")
pc.figures.show(loss_figure(checkpoints, train_curve, val_curve, references), key="loss")

result = {
    "steps": len(losses),
    "vocab_size": V,
    "log_V": uniform,
    "n_train_chars": int(data.shape[0]),
    "first_loss": losses[0],
    "last_loss": losses[-1],
    "checkpoints": checkpoints,
    "train_curve": train_curve,
    "val_curve": val_curve,
    "first_val": val_curve[0],
    "last_val": val_curve[-1],
    "lm_tiny_val": yardstick,
    "n_params": pc.count_parameters(config),
}
