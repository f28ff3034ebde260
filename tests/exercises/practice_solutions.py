"""Reference solutions of the exercises notebook (kept out of the reader's notebook).

Each is computed here independently of the checker's own computation, from the problem's
definition, so a checker bug and a solution bug would have to agree to pass.
"""
import numpy as np

from exercises import practice


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _norms(x):
    centred = x - x.mean()
    layer = centred / np.sqrt((centred**2).mean() + 1e-5)
    rms = x / np.sqrt((x**2).mean() + 1e-6)
    return [layer.tolist(), rms.tolist()]


SOLUTIONS = {
    "attention_arithmetic": _softmax(practice.KEYS @ practice.QUERY / 2.0).tolist(),
    "causal_mask": [[1 if j <= i else 0 for j in range(4)] for i in range(4)],
    "head_splitting": (2, 3, 5, 4),
    "qkvo_parameters": 4 * 512 * 512 + 4 * 512,
    "mlp_vs_attention": (2 * 768 * 3072 + 3072 + 768) / (4 * 768 * 768 + 4 * 768),
    "norms": _norms(practice.NORM_VECTOR),
    "pre_post_ln": {"pre": "a", "post": "b"},
    "kv_cache_memory": 2 * 32 * 8 * 128 * 8192 * 2 / 2**30,
    "which_mask": {"encoder_self": "b", "decoder_self": "a", "cross": "c"},
    "debugging": {"wrong_axis": ["x", "y"], "no_mask": ["x"]},
}

# At least two typical wrong answers per problem.
WRONG_ANSWERS = {
    "attention_arithmetic": [_softmax(practice.KEYS @ practice.QUERY).tolist(),
                             (practice.KEYS @ practice.QUERY / 2.0).tolist()],
    "causal_mask": [[[1 if j >= i else 0 for j in range(4)] for i in range(4)],
                    [[1 if j < i else 0 for j in range(4)] for i in range(4)]],
    "head_splitting": [(2, 5, 3, 4), (2, 3, 5, 12)],
    "qkvo_parameters": [4 * 512 * 512, 3 * 512 * 512 + 3 * 512],
    "mlp_vs_attention": [0.5, 1.0],
    "norms": [_norms(practice.NORM_VECTOR)[::-1], [[0.0] * 4, [0.0] * 4]],
    "pre_post_ln": [{"pre": "b", "post": "a"}, {"pre": "c", "post": "b"}],
    "kv_cache_memory": [32 * 8 * 128 * 8192 * 2 / 2**30, 2 * 32 * 32 * 128 * 8192 * 2 / 2**30],
    "which_mask": [{"encoder_self": "a", "decoder_self": "b", "cross": "c"},
                   {"encoder_self": "b", "decoder_self": "a", "cross": "b"}],
    "debugging": [{"wrong_axis": ["y"], "no_mask": ["x"]},
                  {"wrong_axis": ["x", "y"], "no_mask": []}],
}
