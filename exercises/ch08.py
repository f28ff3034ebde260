"""Chapter 08 "Check yourself": the parameter count of one SwiGLU feed-forward network.

SwiGLU (Shazeer 2020, eq. 6) has three bias-free matrices, W_gate and W_up (d_model, d_ff) and
W_down (d_ff, d_model). The checker counts them from ``pycore.parameter_shapes`` and
recognises the usual slips: two matrices as in a ReLU/GELU FFN, added biases, or d_ff taken
as 4 d_model.
"""
import pycore as pc

from . import register, verdict

#: Llama-3-8B's FFN shape (Meta 2024): d_model 4096, d_ff 14336, SwiGLU.
SWIGLU_PROBLEM = {"d_model": 4096, "d_ff": 14336}


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


@register("08/swiglu_params")
def check_swiglu_params(answer):
    """Accept the exact parameter count of one SwiGLU FFN of ``SWIGLU_PROBLEM``."""
    d_model, d_ff = SWIGLU_PROBLEM["d_model"], SWIGLU_PROBLEM["d_ff"]
    if answer is None:
        return verdict(False, hint="set `answer` to a whole number of parameters.")
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return verdict(False, hint="`answer` should be a single number.")
    if got != int(got):
        return verdict(False, hint="a parameter count is a whole number.")
    got = int(got)
    right = _ffn_count("swiglu", d_ff)
    if got == right:
        return verdict(True, praise="three matrices, no biases.")
    two_matrices = _ffn_count("gelu", d_ff)  # W1, b1, W2, b2
    if got in (two_matrices, two_matrices - d_ff - d_model):
        return verdict(False, hint="SwiGLU has a third matrix: the gate and the up projection "
                                   "both map d_model to d_ff.")
    if got in (right + 2 * d_ff + d_model, right + d_ff + d_model):
        return verdict(False, hint="SwiGLU as used in Llama has no biases.")
    if got == _ffn_count("swiglu", 4 * d_model):
        return verdict(False, hint="use the given d_ff; SwiGLU models do not use 4 d_model.")
    return verdict(False, hint="count the entries of W_gate, W_up and W_down.")
