"""The ten practice problems of the exercises notebook, each with its checker.

Every checker computes the right answer with ``pycore`` (or, for the multiple-choice
problems, by running the candidates), prints "Correct" or "Not yet" with a hint, and never
prints the solution. The reference solutions live apart, in the tests
(``tests/exercises/practice_solutions.py``), so the reader's notebook does not contain them.
Runs on Python 3.8 / NumPy 1.17 (it is shipped into the browser with pycore).
"""
from collections import namedtuple

import numpy as np

import pycore as pc

from . import register, verdict

Problem = namedtuple("Problem", "name title statement starter")

INTRODUCTION = (
    "Ten short problems that cover the book. Each code cell ends with "
    "`check(\"practice/<name>\", answer)`: set `answer`, run the cell, and read the verdict. "
    "A wrong answer gets a hint, never the solution. Use NumPy, a pen, or `pycore`."
)

# ----------------------------------------------------------------------------- problem data
QUERY = np.array([1.0, 0.0, 2.0, 1.0])  # (d_k,)
KEYS = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 2.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]])  # (3, d_k)
NORM_VECTOR = np.array([2.0, -1.0, 0.0, 3.0])  # (d_model,)
LLAMA3_8B = {"n_layers": 32, "n_kv_heads": 8, "d_head": 128, "T": 8192, "bytes_per_value": 2}


def _close(answer, expected, atol=1e-3):
    got = np.asarray(answer, dtype=float)
    return got.shape == np.shape(expected) and bool(np.allclose(got, expected, atol=atol))


def _matches_any(answer, wrong_answers):
    """The hint of the first typical mistake ``answer`` equals, or None."""
    for hint, value in wrong_answers:
        try:
            if _close(answer, value):
                return hint
        except (TypeError, ValueError):
            continue
    return None


def _numeric_verdict(answer, expected, wrong_answers, praise, hint, atol=1e-3):
    if answer is None:
        return verdict(False, hint="set `answer` first.")
    if _close(answer, expected, atol=atol):
        return verdict(True, praise=praise)
    return verdict(False, hint=_matches_any(answer, wrong_answers) or hint)


# ----------------------------------------------------------------- 1. attention arithmetic
@register("practice/attention_arithmetic")
def check_attention_arithmetic(answer):
    d_k = QUERY.shape[-1]
    scores = KEYS @ QUERY  # (3,)
    expected = pc.softmax(scores / np.sqrt(d_k))
    wrong = [
        ("you forgot to divide the scores by sqrt(d_k).", pc.softmax(scores)),
        ("these are scores; turn them into weights with a softmax.", scores / np.sqrt(d_k)),
    ]
    return _numeric_verdict(answer, expected, wrong, "three weights that sum to 1.",
                            "compute q . k_j for each key, divide by sqrt(d_k), then softmax.")


# ----------------------------------------------------------------------- 2. causal mask
@register("practice/causal_mask")
def check_causal_mask(answer):
    expected = pc.causal_mask(4)  # (4, 4) bool
    wrong = [
        ("that is the transpose: row i is query i, which may see keys j <= i.", expected.T),
        ("a token may attend to itself: keep the diagonal.", np.tril(np.ones((4, 4)), -1)),
    ]
    return _numeric_verdict(answer, expected.astype(float), wrong,
                            "lower triangular, diagonal included.",
                            "True (1) where query i may see key j.", atol=0)


# ---------------------------------------------------------------------- 3. head splitting
@register("practice/head_splitting")
def check_head_splitting(answer):
    B, T, d_model, h = 2, 5, 12, 3
    expected = pc.split_heads(np.zeros((B, T, d_model)), h).shape
    got = tuple(answer) if isinstance(answer, (tuple, list)) else answer
    if got == expected:
        return verdict(True, praise="heads become a batch dimension in front of T.")
    if got == (B, T, h, d_model // h):
        return verdict(False, hint="after the reshape, transpose so heads come before T.")
    if got == (B, h, T, d_model):
        return verdict(False, hint="each head gets d_model / h features, not all of them.")
    return verdict(False, hint="reshape (B, T, d_model) to (B, T, h, d_head), then transpose.")


# ------------------------------------------------------------ 4. Q/K/V/O parameter count
@register("practice/qkvo_parameters")
def check_qkvo_parameters(answer):
    d_model = 512
    weights = 4 * d_model * d_model
    expected = weights + 4 * d_model
    wrong = [
        ("remember the four bias vectors.", weights),
        ("there are four projections: W_Q, W_K, W_V and W_O.", 3 * d_model * d_model + 3 * d_model),
    ]
    return _numeric_verdict(answer, expected, wrong, "4 d^2 + 4 d.",
                            "count each d_model x d_model matrix and its bias.", atol=0)


# ------------------------------------------------------- 5. MLP vs attention parameters
@register("practice/mlp_vs_attention")
def check_mlp_vs_attention(answer):
    d_model, d_ff = 768, 3072
    attention = 4 * d_model * d_model + 4 * d_model
    ffn = 2 * d_model * d_ff + d_ff + d_model
    expected = ffn / attention
    wrong = [("that is attention / FFN: put the FFN on top.", attention / ffn),
             ("the FFN expands to d_ff = 4 d_model, not d_model.", 1.0)]
    return _numeric_verdict(answer, expected, wrong, "the FFN holds about twice the "
                            "parameters of attention.", "count W_1, W_2 and their biases.",
                            atol=1e-3)


# -------------------------------------------------------- 6. LayerNorm and RMSNorm
@register("practice/norms")
def check_norms(answer):
    expected = np.stack([pc.layer_norm(NORM_VECTOR), pc.rms_norm(NORM_VECTOR)])  # (2, 4)
    wrong = [("the two are swapped: LayerNorm subtracts the mean, RMSNorm does not.",
              expected[::-1]),
             ("LayerNorm also subtracts the mean.",
              np.stack([NORM_VECTOR / NORM_VECTOR.std(), expected[1]]))]
    return _numeric_verdict(answer, expected, wrong, "same direction, different centring.",
                            "answer [layer_norm(x), rms_norm(x)], each of length 4 "
                            "(default eps, no gamma/beta).")


# ---------------------------------------------------- 7. pre-LN vs post-LN equations
PRE_POST_OPTIONS = {
    "a": "x + F(LN(x))",
    "b": "LN(x + F(x))",
    "c": "LN(x) + F(x)",
}


@register("practice/pre_post_ln")
def check_pre_post_ln(answer):
    if not isinstance(answer, dict) or set(answer) != {"pre", "post"}:
        return verdict(False, hint='answer a dict {"pre": letter, "post": letter}.')
    if answer == {"pre": "a", "post": "b"}:
        return verdict(True, praise="pre-LN keeps an un-normalised residual path.")
    if answer == {"pre": "b", "post": "a"}:
        return verdict(False, hint="swapped: in pre-LN the norm sits inside the branch.")
    return verdict(False, hint="the residual x must be added unchanged in one of them.")


# ------------------------------------------------------------------ 8. KV-cache memory
@register("practice/kv_cache_memory")
def check_kv_cache_memory(answer):
    expected = pc.kv_cache_bytes(LLAMA3_8B["n_layers"], LLAMA3_8B["n_kv_heads"],
                                 LLAMA3_8B["d_head"], LLAMA3_8B["T"],
                                 bytes_per_value=LLAMA3_8B["bytes_per_value"]) / 2**30
    wrong = [("store both K and V: a factor of 2.", expected / 2),
             ("use the 8 KV heads, not the 32 query heads.", expected * 4)]
    return _numeric_verdict(answer, expected, wrong, "GQA keeps it small.",
                            "2 x layers x kv_heads x d_head x T x bytes, in GiB.")


# ------------------------------------------------------- 9. encoder / decoder masks
def mask_options(T=4, S=5):
    """The candidate masks of problem 9: letter -> bool array."""
    return {
        "a": pc.causal_mask(T),  # (T, T)
        "b": np.ones((T, T), dtype=bool),  # (T, T)
        "c": pc.padding_mask([S - 1], S)[0, 0, 0][None, :].repeat(T, axis=0),  # (T, S)
    }


@register("practice/which_mask")
def check_which_mask(answer):
    expected = {"encoder_self": "b", "decoder_self": "a", "cross": "c"}
    if not isinstance(answer, dict) or set(answer) != set(expected):
        return verdict(False, hint=f"answer a dict with keys {sorted(expected)}.")
    if answer == expected:
        return verdict(True, praise="each mask matches where its keys come from.")
    if answer.get("decoder_self") != "a":
        return verdict(False, hint="decoder self-attention must not see the future.")
    return verdict(False, hint="cross-attention keys are the source tokens: only padding "
                               "hides them, and its mask need not be square.")


# ------------------------------------------------------- 10. debugging checklist
def _attention_wrong_axis(q, k, v):
    return pc.softmax(q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1]), axis=-2) @ v


def _attention_no_mask(q, k, v):
    return pc.scaled_dot_product_attention(q, k, v)


BUGGY_CAUSAL_ATTENTION = {"wrong_axis": _attention_wrong_axis, "no_mask": _attention_no_mask}


def _check_future_independence(attention):
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(5, 4)) for _ in range(3))
    k2, v2 = k.copy(), v.copy()
    k2[-1], v2[-1] = rng.normal(size=4), rng.normal(size=4)
    return bool(np.allclose(attention(q, k, v)[:-1], attention(q, k2, v2)[:-1]))


def _check_constant_values(attention):
    """Attending to identical values must return those values (weights sum to 1)."""
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    v = np.ones((5, 4))
    return bool(np.allclose(attention(q, k, v), 1.0))


DEBUG_CHECKS = {"x": _check_future_independence, "y": _check_constant_values}


@register("practice/debugging")
def check_debugging(answer):
    expected = {bug: sorted(name for name, passes in DEBUG_CHECKS.items() if not passes(fn))
                for bug, fn in BUGGY_CAUSAL_ATTENTION.items()}
    if not isinstance(answer, dict) or set(answer) != set(expected):
        return verdict(False, hint=f"answer a dict with keys {sorted(expected)}, each a list "
                                   "of the checks that fail.")
    got = {bug: sorted(checks) for bug, checks in answer.items()}
    if got == expected:
        return verdict(True, praise="each check catches a different bug: run them all.")
    return verdict(False, hint="run each check on each buggy function and list those that fail.")


PROBLEMS = [
    Problem("attention_arithmetic", "Attention arithmetic",
            "One query $q = (1, 0, 2, 1)$ and three keys (rows of $K$ below), $d_k = 4$. "
            "Give the three attention weights $\\operatorname{softmax}(Kq/\\sqrt{d_k})$.",
            "import numpy as np\nfrom exercises import check\nfrom exercises.practice import "
            "QUERY, KEYS\n\nanswer = None  # three weights\n"
            "check(\"practice/attention_arithmetic\", answer)"),
    Problem("causal_mask", "The causal mask",
            "Write the $4 \\times 4$ causal mask as 0/1 (1 = query $i$ may attend to key $j$).",
            "from exercises import check\n\nanswer = None  # 4 x 4 nested list of 0/1\n"
            "check(\"practice/causal_mask\", answer)"),
    Problem("head_splitting", "Head splitting",
            "$x$ has shape $(B, T, d_{model}) = (2, 5, 12)$ and $h = 3$ heads. What is the "
            "shape after splitting into heads (ready for batched attention)?",
            "from exercises import check\n\nanswer = None  # a shape tuple\n"
            "check(\"practice/head_splitting\", answer)"),
    Problem("qkvo_parameters", "Q/K/V/O parameter count",
            "How many parameters do the four projections of one attention layer have for "
            "$d_{model} = 512$, with biases?",
            "from exercises import check\n\nanswer = None  # an integer\n"
            "check(\"practice/qkvo_parameters\", answer)"),
    Problem("mlp_vs_attention", "MLP vs attention parameters",
            "For $d_{model} = 768$ and $d_{ff} = 3072$ (biases included), what is the ratio "
            "FFN parameters / attention parameters in one block?",
            "from exercises import check\n\nanswer = None  # a float\n"
            "check(\"practice/mlp_vs_attention\", answer)"),
    Problem("norms", "LayerNorm and RMSNorm of one vector",
            "For $x = (2, -1, 0, 3)$, give `[layer_norm(x), rms_norm(x)]` (no gain or bias; "
            "$\\epsilon = 10^{-5}$ and $10^{-6}$).",
            "import numpy as np\nfrom exercises import check\nfrom exercises.practice import "
            "NORM_VECTOR\n\nanswer = None  # two rows of 4 numbers\n"
            "check(\"practice/norms\", answer)"),
    Problem("pre_post_ln", "Pre-LN and post-LN",
            "Which update is pre-LN and which is post-LN? (a) $x + F(\\mathrm{LN}(x))$, "
            "(b) $\\mathrm{LN}(x + F(x))$, (c) $\\mathrm{LN}(x) + F(x)$.",
            "from exercises import check\n\nanswer = {\"pre\": None, \"post\": None}\n"
            "check(\"practice/pre_post_ln\", answer)"),
    Problem("kv_cache_memory", "KV-cache memory",
            "Llama-3 8B: 32 layers, 8 KV heads, $d_{head} = 128$, fp16. How many GiB does "
            "the KV cache of one 8,192-token sequence take?",
            "from exercises import check\n\nanswer = None  # GiB, a float\n"
            "check(\"practice/kv_cache_memory\", answer)"),
    Problem("which_mask", "Encoder and decoder masks",
            "`mask_options()` returns three masks a, b, c. Which one belongs to encoder "
            "self-attention, decoder self-attention, and cross-attention over a source of "
            "length 5 with one padding token?",
            "from exercises import check\nfrom exercises.practice import mask_options\n\n"
            "print(mask_options())\nanswer = {\"encoder_self\": None, \"decoder_self\": None, "
            "\"cross\": None}\ncheck(\"practice/which_mask\", answer)"),
    Problem("debugging", "A debugging checklist",
            "`BUGGY_CAUSAL_ATTENTION` holds two broken causal attention functions and "
            "`DEBUG_CHECKS` two checks (each returns True when the function passes). For each "
            "bug, list the checks it fails.",
            "from exercises import check\nfrom exercises.practice import "
            "BUGGY_CAUSAL_ATTENTION, DEBUG_CHECKS\n\nanswer = {\"wrong_axis\": [], "
            "\"no_mask\": []}\ncheck(\"practice/debugging\", answer)"),
]
