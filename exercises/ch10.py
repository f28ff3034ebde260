"""Chapter 10 "Check yourself": predict where cross-attention looks, then run the model.

The shipped date model (``pycore.load_pretrained_seq2seq()``) rewrites ``SOURCE`` =
"2026 Nov 24" as "2026-11-24".
The output's month, "11", appears nowhere in the source, so the reader must predict which
source characters the decoder reads while it writes the month's second digit (output
step ``STEP``). Any position inside the month's name is a right prediction; the checker
then runs the model and reports the position its cross-attention (last layer, mean over
heads) weights most, so the prediction meets what happens.
"""
import numpy as np

import pycore as pc
from pycore.seq2seq import translate

from . import register, verdict

SOURCE = "2026 Nov 24"
STEP = 6  # output "2026-11-24": steps 0-3 the year, 4 "-", 5-6 the month, 7 "-", 8-9 the day
MONTH = range(SOURCE.index("Nov"), SOURCE.index("Nov") + 3)
YEAR = range(0, 4)
DAY = range(SOURCE.index("24"), SOURCE.index("24") + 2)


def cross_attention_row(source=SOURCE, step=STEP, layer=1):
    """(output, weights over the source at ``step``, head-averaged) from the shipped model."""
    model, tokenizer = pc.load_pretrained_seq2seq()
    outputs, steps = translate(model, tokenizer, [source], return_cross_attention=True)
    row = steps[step][layer][0, :, 0, : len(source)].mean(axis=0)  # (S,)
    return outputs[0], row


@register("10/month_source")
def check_month_source(answer):
    """Accept a source position (0-based) inside the month's name, then show the model's."""
    if answer is None:
        return verdict(False, hint="set `answer` to the source position (counted from 0) "
                                   "you predict.")
    if isinstance(answer, (str, bytes)) or isinstance(answer, bool):
        return verdict(False, hint="give a position, a whole number counted from 0, not "
                                   "a character.")
    try:
        position = float(answer)
    except (TypeError, ValueError):
        return verdict(False, hint="`answer` should be one whole number, a source position.")
    if position != int(position) or not 0 <= position < len(SOURCE):
        return verdict(False, hint=f"a position is a whole number from 0 to {len(SOURCE) - 1}.")
    position = int(position)
    output, row = cross_attention_row()
    strongest = int(np.argmax(row))
    seen = (f" The model wrote {output!r}; at this step its strongest weight, "
            f"{row[strongest]:.2f}, is on position {strongest} ({SOURCE[strongest]!r}).")
    if position in MONTH:
        return verdict(True, praise="the digits of the month are not in the source, so the "
                                    "decoder reads the month's name and the model has learnt "
                                    "the mapping." + seen)
    if position in DAY:
        return verdict(False, hint="those characters are the day; the decoder reads them when "
                                   "it writes the last two characters. What in the source "
                                   "says which month it is?")
    if position in YEAR:
        return verdict(False, hint="the year was read while writing the first four characters; "
                                   "the month comes from somewhere else in the source.")
    return verdict(False, hint=f"position {position} is a space; which characters of the "
                               "source carry the month?")
