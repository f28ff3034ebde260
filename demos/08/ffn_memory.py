# The FFN as a key-value memory (Geva et al. 2021), in the shipped model. Column i of W1 is a
# key: neuron i fires when the token's (normalised) vector matches it. Row i of W2 is the value
# that neuron adds to the stream; read through the output matrix E^T it says which characters
# the neuron makes more likely next. Run lm_tiny over text it never trained on (the start of
# its held-out 10 %), find the contexts that fire each neuron most, and compare them with the
# characters its value promotes.
import numpy as np

import pycore as pc

block = 2  # @param {type: "select", options: [1, 2]}
show = 3  # @param {type: "slider", min: 1, max: 8, step: 1}

TEXT = (  # models/corpus.txt, the first 768 characters of chapter 08 in the held-out split
    'Attention moves information between tokens. The other half of every block, the feed-forward\n'
    'network (FFN), works on each token alone. This chapter answers what the FFN computes, why\n'
    "it holds most of a transformer's parameters, which non-linearities it uses, and how attention\n"
    'and FFN combine into one block whose every tensor you can trace.\n'
    '\n'
    'By the end you will be able to:\n'
    '\n'
    '- write the FFN and its SwiGLU variant with the shape of every matrix;\n'
    "- count a block's parameters and the FFN's share, for ReLU/GELU and SwiGLU;\n"
    '- show numerically that the FFN commutes with any reordering of the tokens;\n'
    '- tell ReLU, the two forms of GELU, and SiLU apart;\n'
    '- trace one pre-LN block forward pass, shape by shape.\n'
    '\n'
    '## The idea\n'
    '\n'
    'The FFN is a small two-layer perceptron applied t'
)

model, tok = pc.load_pretrained("lm_tiny")
T = model.config.max_len
ids = np.array(tok.encode(TEXT))  # (N,)
n = len(ids) // T
_, cache = pc.decoder_forward(model.params, model.config, ids[: n * T].reshape(n, T))
hidden = cache["blocks"][block - 1]["ffn"]["hidden"].reshape(n * T, -1)  # (N, d_ff) activations
next_ids = np.append(ids[1: n * T], -1)  # (N,): the character after each position (-1: none)

W2 = model.params["layers"][block - 1]["ffn"]["W2"]  # (d_ff, d_model): one value per row
promoted = W2 @ model.params["tokens"].T  # (d_ff, V): each value read through E^T
top_promoted = np.argsort(-promoted, axis=1)[:, :3]  # (d_ff, 3)
firing = np.argsort(-hidden, axis=0)[:8].T  # (d_ff, 8): positions that fire each neuron most
# Agreement: how often the character that really followed a neuron's top-8 contexts is among
# the three characters its value promotes most.
agreement = np.array([np.mean([next_ids[p] in top_promoted[i] for p in firing[i]])
                      for i in range(hidden.shape[1])])  # (d_ff,)
chosen = [int(i) for i in np.argsort(-agreement, kind="stable")[:show]]


def visible(chars):
    return chars.replace("\n", "⏎").replace(" ", "␣")


def context(p):
    """The 8 characters up to position p, a bar, then the character that followed."""
    return visible(TEXT[max(0, p - 7): p + 1]) + "|" + visible(TEXT[p + 1: p + 2])


rows = {"neuron": chosen,
        "fires most after": [" ".join(context(int(p)) for p in firing[i][:2]) for i in chosen],
        "value promotes": [" ".join(visible(tok.decode([int(j)])) for j in top_promoted[i])
                           for i in chosen],
        "agreement": [float(agreement[i]) for i in chosen]}
pc.figures.show(pc.figures.table(
    rows, formats={"agreement": ".0%"},
    caption=(f"Block {block}'s FFN neurons whose keys and values agree most: the contexts "
             "that fire each one (a bar before the character that followed) and the three "
             "characters its value row raises most. Agreement: how often the character that "
             "followed one of its eight strongest contexts is among those three.")))
n_agreeing = int(np.sum(agreement >= 0.5))
print(f"block {block}: {n_agreeing} of {len(agreement)} neurons agree at least half the "
      f"time; mean agreement {agreement.mean():.0%}")
for i in chosen:
    print(f"neuron {i}: fires after {[context(int(p)) for p in firing[i][:4]]}, value promotes "
          f"{[tok.decode([int(j)]) for j in top_promoted[i]]}")

result = {"block": block, "chosen": chosen, "agreement": [float(agreement[i]) for i in chosen],
          "promotes": [[tok.decode([int(j)]) for j in top_promoted[i]] for i in chosen],
          "contexts": [[context(int(p)) for p in firing[i][:4]] for i in chosen],
          "n_agreeing": n_agreeing, "n_neurons": int(len(agreement)),
          "mean_agreement": float(agreement.mean())}
