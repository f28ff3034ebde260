# AdamW against plain SGD: the same tiny model, the same starting weights, the same batches.
# SGD moves every weight by lr * gradient; AdamW divides each gradient by a running estimate of
# its own size, so weights with tiny gradients still move (Loshchilov and Hutter 2019, alg. 2).
import numpy as np

import pycore as pc

steps = 40  # @param {type: "slider", min: 10, max: 200, step: 10}
sgd_lr = 0.1  # @param {type: "select", options: [0.01, 0.1, 0.3, 1.0], label: "SGD learning rate"}
adamw_lr = 0.01  # @param {type: "select", options: [0.001, 0.003, 0.01, 0.03], label: "AdamW learning rate"}

TEXT = (  # 480 characters of this book's prose (models/corpus.txt, training part)
    '*Inside the Transformer* explains what a transformer computes, one step at a time, '
    'and lets\nyou run every step. Each chapter pairs the maths with small programs, the'
    ' demos, that you can\nread, change and run in the page. They are built on `pycore`,'
    ' a small transformer library\nwritten in plain NumPy for reading (its source is on '
    'the [API reference](api.md) page).\n\n## How the demos work\n\nA demo is a short Py'
    'thon program shown in an editor, with its output underneath.\n\n- **What y'
)
_, tokenizer = pc.load_pretrained("lm_tiny")  # the book's character tokenizer, V = 109
data = np.array(tokenizer.encode(TEXT))  # (N,)
config = pc.TransformerConfig(vocab_size=tokenizer.vocab_size, d_model=32, n_heads=2,
                              n_layers=1, d_ff=64, max_len=16)


def run(optimizer_name):
    model = pc.DecoderLM(config, seed=0)  # identical start for both optimisers
    rng = np.random.default_rng(0)  # identical batches for both optimisers
    adamw = pc.AdamW(model.params, lr=adamw_lr, weight_decay=0.01)
    flat = pc.flatten_params(model.params)
    losses = []
    for _ in range(steps):
        ids, targets = pc.get_batch(data, 8, 16, rng)  # (B, T) each
        loss, grads = pc.loss_and_grads(model, ids, targets)
        losses.append(loss)
        if optimizer_name == "adamw":
            adamw.step(grads)
        else:
            for name, g in pc.flatten_params(grads).items():
                flat[name] -= sgd_lr * g  # plain gradient descent, in place
    return losses


curves = {"sgd": run("sgd"), "adamw": run("adamw")}
for name, losses in curves.items():
    print(f"{name:6s} loss: first {losses[0]:.3f}, last {losses[-1]:.3f}")

pc.figures.show(pc.figures.lines(
    np.arange(1, steps + 1), {"SGD": curves["sgd"], "AdamW": curves["adamw"]},
    x_title="step", y_title="cross-entropy (nats)",
    caption=(f"Training loss of the same model from the same start on the same batches: SGD "
             f"(lr {sgd_lr:g}) against AdamW (lr {adamw_lr:g}). AdamW's per-weight step "
             "sizes bring the loss down faster at the default settings.")))

result = {
    "steps": steps,
    "sgd_lr": sgd_lr,
    "adamw_lr": adamw_lr,
    "first_loss": curves["sgd"][0],
    "sgd_final": curves["sgd"][-1],
    "adamw_final": curves["adamw"][-1],
}
