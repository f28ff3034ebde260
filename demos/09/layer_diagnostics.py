# What each block adds: read the shipped model's residual stream after the embedding and
# after each block as if it were the last (apply the final LayerNorm and the output matrix to
# it), and score those early predictions on text from the held-out 10 % of the corpus, which
# the model never trained on. Every block writes onto the same stream, so every stage can be
# read this way.
import numpy as np

import pycore as pc

text = "The FFN is a small two-layer perceptron applied to every"  # @param {type: "select", options: ["The FFN is a small two-layer perceptron applied to every", "Attention moves information between tokens."]}

model, tok = pc.load_pretrained("lm_tiny")
params = model.params
ids = np.array([tok.encode(text)[: model.config.max_len]])  # (1, T)
_, diag = model.forward(ids, return_diagnostics=True)
stages = ["embedding"] + [f"block {i + 1}" for i in range(model.config.n_layers)]

losses, accuracies, guesses = [], [], []
for x in diag["residuals"]:  # (1, T, d_model): after the embedding, then after each block
    h = pc.layer_norm(x, params["final_norm"]["gamma"], params["final_norm"]["beta"])
    logits = h @ params["tokens"].T  # (1, T, V): tied output matrix
    losses.append(pc.cross_entropy(logits[:, :-1], ids[:, 1:]))  # predict character t + 1
    best = logits[0, :-1].argmax(axis=-1)  # (T - 1,)
    accuracies.append(float(np.mean(best == ids[0, 1:])))
    guesses.append(tok.decode([int(i) for i in best]))
uniform = float(np.log(model.config.vocab_size))

F = pc.figures
F.show(F.bars(stages, losses, y_title="next-character loss (nats)", annotate=True, fmt=".2f",
              hlines={"uniform guess": uniform},
              caption=("The loss of predicting each next character from the stream after the "
                       "embedding and after each block. The embedding alone predicts the "
                       "current character again, worse than a uniform guess; each block "
                       "lowers the loss.")))
shown = min(len(text) - 1, 16)  # the first positions, one row each, so the table fits a phone


def visible(char):
    return char.replace(" ", "␣").replace("\n", "⏎")


columns = {"text up to t": ["…" * (t > 5) + visible(text[max(0, t - 5): t + 1])
                            for t in range(shown)],
           "true next": [visible(text[t + 1]) for t in range(shown)]}
for stage, guess in zip(stages, guesses):
    columns[stage] = [visible(guess[t]) for t in range(shown)]
F.show(F.table(columns, caption=("The most likely next character after each stage, for the "
                                 "first positions of the text, beside the true one.")))
for stage, loss, guess in zip(stages, losses, guesses):
    print(f"{stage:10s} loss {loss:5.2f} nats  {guess!r}")
print(f"uniform guess over {model.config.vocab_size} characters: {uniform:.2f} nats")

result = {"text": text, "stages": stages, "losses": losses, "accuracies": accuracies,
          "guesses": guesses, "uniform": uniform,
          "last_over_first_block": losses[-1] / losses[1]}
