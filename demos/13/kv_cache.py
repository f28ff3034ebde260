# KV cache: generating with cached keys/values gives exactly the same tokens as re-running the
# whole sequence every step, while each step processes one new token instead of all of them.
# The model is the book's lm_tiny (2 layers, d_model 64), continuing a batch of 8 prompts; its
# context is max_len = 64 characters, so prompt plus new characters stay within 64.
# At batch 1 a model this small spends most of its time in Python overhead, which hides the
# saving; a batch gives the arithmetic its real weight.
import time

import numpy as np

import pycore as pc

n_new = 48  # @param {type: "slider", min: 8, max: 48, step: 8}

model, tok = pc.load_pretrained("lm_tiny")
PROMPTS = ["The attention ", "Each head has ", "The residual s", "A token is a p",
           "The softmax of", "Training a mod", "The KV cache s", "Decoding one t"]
prompt = np.array([tok.encode(p) for p in PROMPTS])  # (B, T_prompt) = (8, 14)
T_prompt = prompt.shape[1]


def timed(use_cache):
    """Seconds for one greedy run of n_new tokens, and the tokens (B, T_prompt + n_new)."""
    start = time.perf_counter()
    ids = pc.generate(model, prompt, n_new, greedy=True, use_cache=use_cache)
    return time.perf_counter() - start, ids


# Timings vary with whatever else the machine does, so the two ways take turns, twice, and
# each keeps its fastest run. They are printed, not put in `result` (they differ run to run).
seconds, outputs = {True: float("inf"), False: float("inf")}, {}
for _ in range(2):
    for use_cache in (True, False):
        s, outputs[use_cache] = timed(use_cache)
        seconds[use_cache] = min(seconds[use_cache], s)

identical = bool(np.array_equal(outputs[True], outputs[False]))
# Token positions pushed through the model: the cache feeds the prompt once, then one token
# per step; without it step t re-feeds all T_prompt + t tokens.
positions_cached = T_prompt + (n_new - 1)
positions_uncached = sum(T_prompt + t for t in range(n_new))
speedup = seconds[False] / seconds[True]

print("cached:  ", repr(tok.decode(outputs[True][0])))
print("uncached:", repr(tok.decode(outputs[False][0])))
print("identical tokens:", identical)
print(f"positions per sequence for {n_new} new tokens: cached {positions_cached}, "
      f"uncached {positions_uncached}")
print(f"time: cached {1000 * seconds[True]:.0f} ms, uncached {1000 * seconds[False]:.0f} ms "
      f"({speedup:.1f}x faster with the cache)")

ns = np.arange(8, 48 + 1, 8)  # (6,) every length the slider offers
pc.figures.show(pc.figures.lines(
    ns, {"no cache (recompute)": ns * T_prompt + ns * (ns - 1) // 2,
         "KV cache": T_prompt + ns - 1},
    points=True, vlines={f"{n_new} new tokens": n_new}, x_title="new tokens generated",
    y_title="token positions per sequence",
    caption=("The work of greedy generation, counted in token positions fed through the "
             "model: without a cache step t re-feeds all T_prompt + t tokens, so the work "
             "grows quadratically; with the cache it grows by one position per token.")))

result = {
    "identical": identical,
    "n_new": n_new,
    "T_prompt": T_prompt,
    "batch": int(prompt.shape[0]),
    "n_tokens": int(outputs[True].shape[1]),
    "positions_cached": positions_cached,
    "positions_uncached": positions_uncached,
    "work_ratio": positions_uncached / positions_cached,
}
