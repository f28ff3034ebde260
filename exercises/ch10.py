"""Chapter 10 "Check yourself": how often the encoder and the decoder run.

The checker counts the calls itself by running the shipped date model (``pycore.dates``) on the
exercise's source: the encoder runs once per source, the decoder once per generated token,
the end-of-sequence token included (Vaswani et al. 2017, section 3.1). It never prints the
counts.
"""
from pycore import dates

from . import register, verdict

SOURCE = "November 24, 2026"


def count_calls(source=SOURCE):
    """(encoder calls, decoder calls, output) of greedy decoding ``source``."""
    model, tokenizer = dates.load_pretrained_seq2seq()
    calls = dates.count_calls(model)
    output = dates.translate(model, tokenizer, [source])[0]
    return calls["encode"], calls["decode"], output


@register("10/call_counts")
def check_call_counts(answer):
    """Accept ``(encoder_calls, decoder_calls)`` for translating ``SOURCE``."""
    if answer is None:
        return verdict(False, hint="set `answer` to a pair (encoder calls, decoder calls).")
    try:
        encoder_calls, decoder_calls = (int(value) for value in answer)
    except (TypeError, ValueError):
        return verdict(False, hint="`answer` should be two whole numbers, e.g. (a, b).")
    expected_encoder, expected_decoder, output = count_calls()
    if (encoder_calls, decoder_calls) == (expected_encoder, expected_decoder):
        return verdict(True, praise="the source is encoded once; the decoder runs once per "
                                    "output token, the end-of-sequence token included.")
    if encoder_calls != expected_encoder:
        return verdict(False, hint="the encoder's output (the memory) does not change while "
                                   "the decoder writes: how often must it be computed?")
    if decoder_calls == expected_decoder - 1:
        return verdict(False, hint="close: the decoder must also run once to emit the "
                                   "end-of-sequence token.")
    if decoder_calls == len(SOURCE):
        return verdict(False, hint="the decoder runs once per token it *writes*, not per "
                                   "source character.")
    return verdict(False, hint="count the decoder's steps: one per output character of the "
                               "ISO date, plus the step that stops.")
