"""Chapter 08 "Check yourself": how large Llama 3's SwiGLU FFN is next to a classic 4x FFN.

SwiGLU (Shazeer 2020) has three bias-free matrices, W_gate and W_up (d_model, d_ff) and W_down
(d_ff, d_model); a classic FFN has two, W1 (d_model, 4 d_model) and W2, plus biases. Llama-3-8B
(Grattafiori et al. 2024, table 3) uses SwiGLU with d_model 4096 and d_ff 14,336. The reader
gives the ratio of the SwiGLU FFN's parameters to those of a GELU FFN of the same d_model with
d_ff = 4 d_model, to two decimals; the checker counts both from ``pycore.parameter_shapes`` and
recognises the usual slips: two matrices instead of three, 4 d_model for SwiGLU's width, the
8/3 rule taken as exact, and a count given instead of a ratio.
"""
import pycore as pc

from . import register, verdict

#: Llama-3-8B's FFN shape (Grattafiori et al. 2024, table 3): d_model 4096, d_ff 14336, SwiGLU.
SWIGLU_PROBLEM = {"d_model": 4096, "d_ff": 14336}
TOLERANCE = 0.01  # "to two decimals"


def _ffn_count(activation, d_ff):
    """Parameters of one FFN with this activation and width, from pycore's shape table."""
    d_model = SWIGLU_PROBLEM["d_model"]
    config = pc.TransformerConfig(vocab_size=2, d_model=d_model, n_heads=1, n_layers=1,
                                  d_ff=d_ff, max_len=1, activation=activation)
    total = 0
    for shape in pc.parameter_shapes(config)["layers"][0]["ffn"].values():
        size = 1
        for n in shape:
            size *= n
        total += size
    return total


def right_ratio():
    d_model, d_ff = SWIGLU_PROBLEM["d_model"], SWIGLU_PROBLEM["d_ff"]
    return _ffn_count("swiglu", d_ff) / _ffn_count("gelu", 4 * d_model)


@register("08/swiglu_ratio")
def check_swiglu_ratio(answer):
    """Accept the SwiGLU / classic-FFN parameter ratio within ``TOLERANCE``."""
    d_model, d_ff = SWIGLU_PROBLEM["d_model"], SWIGLU_PROBLEM["d_ff"]
    if answer is None:
        return verdict(False, hint="set `answer` to one number, the ratio.")
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return verdict(False, hint="`answer` should be a single number.")
    gelu = _ffn_count("gelu", 4 * d_model)

    def near(value):
        return abs(got - value) <= TOLERANCE

    if near(right_ratio()):
        return verdict(True, praise="three matrices of width 3.5 d_model against two of width "
                                    "4 d_model: above the 8/3 rule's 1, since Llama 3 rounds "
                                    "d_ff up.")
    if got > 1000:
        return verdict(False, hint="that looks like a count; divide it by the classic FFN's "
                                   "count to get a ratio.")
    if near(2 * d_model * d_ff / gelu):
        return verdict(False, hint="SwiGLU has a third matrix: the gate and the up "
                                   "projection both map d_model to d_ff.")
    if near(_ffn_count("swiglu", 4 * d_model) / gelu):
        return verdict(False, hint="use Llama 3's d_ff for the SwiGLU FFN, not 4 d_model.")
    if near(1.0):
        return verdict(False, hint="the 8/3 rule would give 1, but Llama 3's d_ff is not "
                                   "8/3 d_model: compare 14,336 with 4096.")
    return verdict(False, hint="count both: three d_model x d_ff matrices against two "
                               "d_model x 4 d_model ones (the classic FFN's biases barely "
                               "matter).")
