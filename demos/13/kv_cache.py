# KV cache: generating with cached keys/values gives exactly the same tokens as re-running the
# whole sequence every step, while each step processes one new token instead of all of them.
# The model is a tiny DecoderLM trained here for a few dozen steps on one repeated sentence
# (no trained model ships with the book), so its greedy continuations are confident.
import time

import numpy as np

import pycore as pc

n_new = 48  # @param {type: "slider", min: 8, max: 112, step: 8}

text = "the cat sat on the mat. " * 8
chars = sorted(set(text))
data = np.array([chars.index(c) for c in text])  # (N,) character ids
config = pc.TransformerConfig(vocab_size=len(chars), d_model=32, n_heads=4, n_layers=2,
                              d_ff=64, max_len=128)
model = pc.DecoderLM(config, seed=0)
losses = [log["loss"] for log in pc.train(model, data, steps=40, batch_size=8,
                                          seq_len=24, lr=1e-2)]
prompt = data[:8]  # (T_prompt,) "the cat "
T_prompt = prompt.shape[0]

# Time both ways for growing lengths; timings vary run to run, so they are only printed.
lengths = sorted(set([8, 16, 32, 64, n_new]))
seconds = {"cached": [], "uncached": []}
outputs = {}
for n in lengths:
    for use_cache in (True, False):
        start = time.perf_counter()
        ids = pc.generate(model, prompt, n, greedy=True, use_cache=use_cache)  # (T_prompt + n,)
        seconds["cached" if use_cache else "uncached"].append(time.perf_counter() - start)
        if n == n_new:
            outputs[use_cache] = ids

identical = bool(np.array_equal(outputs[True], outputs[False]))
# Token positions pushed through the model: the cache feeds the prompt once, then one token
# per step; without it step t re-feeds all T_prompt + t tokens.
positions_cached = T_prompt + (n_new - 1)
positions_uncached = sum(T_prompt + t for t in range(n_new))

print("final training loss:", round(losses[-1], 3))
print("cached:  ", repr("".join(chars[i] for i in outputs[True])))
print("uncached:", repr("".join(chars[i] for i in outputs[False])))
print("identical tokens:", identical)
print(f"positions processed for {n_new} new tokens: cached {positions_cached}, "
      f"uncached {positions_uncached}")
for n, c, u in zip(lengths, seconds["cached"], seconds["uncached"]):
    print(f"  {n:4d} new tokens: cached {1000 * c:7.1f} ms, uncached {1000 * u:7.1f} ms")

ns = np.arange(8, 112 + 1, 8)  # (14,) every length the slider offers
pc.figures.show(pc.figures.lines(
    ns, {"no cache (recompute)": ns * T_prompt + ns * (ns - 1) // 2,
         "KV cache": T_prompt + ns - 1},
    points=True, vlines={f"{n_new} new tokens": n_new}, x_title="new tokens generated",
    y_title="token positions through the model",
    caption=("The work of greedy generation, counted in token positions fed through the "
             "model: without a cache step t re-feeds all T_prompt + t tokens, so the work "
             "grows quadratically; with the cache it grows by one position per token.")))

result = {
    "identical": identical,
    "n_new": n_new,
    "T_prompt": T_prompt,
    "n_tokens": int(outputs[True].shape[0]),
    "positions_cached": positions_cached,
    "positions_uncached": positions_uncached,
    "work_ratio": positions_uncached / positions_cached,
}
