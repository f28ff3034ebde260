"""Chapter 12 "Check yourself": predict the loss of an untrained model, then measure it.

A freshly initialised model has small random weights, so its logits are all close to 0 and
its softmax is close to uniform over the V tokens. Every next token then gets probability
about 1/V, and the next-token cross-entropy, the mean of -log p, is about log V in nats.
The chapter shows this for the book's 109-character tokenizer (log 109 = 4.69); here the
model reads bytes, V = 256, so the reader must carry the reasoning over rather than copy a
number. The demo then measures the loss of an untrained byte-level model on held-out text;
the checker recognises the usual slips (bits, log base 10, the probability itself, V itself,
the character tokenizer's value) and never prints the answer.
"""
import math

from . import register, verdict

#: The setting of the prediction: a byte-level vocabulary (every UTF-8 byte), and one sentence
#: of the corpus's held-out 10 % (models/corpus.txt) for the demo to measure on.
INITIAL_LOSS_PROBLEM = {
    "vocab_size": 256,
    "text": "The FFN is a small two-layer perceptron applied to every position",
}
# "To two decimals" in the page: a prediction within 0.06 of log V counts (5.5 passes).
TOLERANCE = 0.06


def _slips(V):
    """Typical wrong predictions, each with its hint."""
    return [
        (math.log2(V), "that is in bits; the loss is measured in nats, with the natural log."),
        (math.log10(V), "that uses log base 10; the loss uses the natural log."),
        (1.0 / V, "that is the probability each token gets; the loss is -log of it."),
        (float(V), "that is the number of tokens; the loss is -log of the probability each "
                   "one gets."),
        (0.0, "an untrained model knows nothing yet, so it cannot be certain of the right "
              "token: what probability does it give each of the V tokens?"),
        (math.log(109), "that is log V for the 109-character tokenizer; this model reads "
                        "bytes."),
    ]


@register("12/initial_loss")
def check_initial_loss(prediction):
    """Accept log V (nats), within ``TOLERANCE``, for ``INITIAL_LOSS_PROBLEM``."""
    if prediction is None:
        return verdict(False, hint="set `prediction` to a number (nats per character).")
    try:
        got = float(prediction)
    except (TypeError, ValueError):
        return verdict(False, hint="`prediction` should be a single number.")
    if not math.isfinite(got):
        return verdict(False, hint="a loss is a finite number.")
    V = INITIAL_LOSS_PROBLEM["vocab_size"]
    if abs(got - math.log(V)) <= TOLERANCE:
        return verdict(True, praise="a near-uniform softmax gives each token about 1/V, and "
                                    "-log(1/V) = log V.")
    if got < 0:
        return verdict(False, hint="a cross-entropy, a mean of -log p with p <= 1, is never "
                                   "negative.")
    for value, hint in _slips(V):
        if abs(got - value) <= 0.02 * abs(value) + 1e-3:  # 2 %, and a little for 0
            return verdict(False, hint=hint)
    return verdict(False, hint="an untrained model's softmax is close to uniform: what is "
                               "-log p when each of the V tokens gets the same p?")
