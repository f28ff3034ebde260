"""At-scale twin of demo 13/kv_cache: generation with and without a KV cache, for long outputs.

Without a cache, step t re-runs the model on all t tokens, so each new token costs O(t) and N
tokens O(N^2); with a cache each step feeds one token and attends to the stored keys and values
(Pope et al. 2022, section 2): O(1) positions per step, O(t) attention reads. The demo shows
identical tokens and the timing for a few dozen tokens in the browser; this twin generates up
to thousands of tokens with a larger randomly initialised DecoderLM (pycore's init, greedy
decoding), records the time of every step, and checks that both paths produce the same tokens.
"""

from __future__ import annotations

import time

import numpy as np

from ._common import pick, print_table, save_outputs, synchronize

DEMO_ID = "13/kv_cache"
SUMMARY = "cached vs uncached generation: time per token and tokens/s for long outputs"

# (model shape overrides of the "tiny" preset, prompt length, new tokens)
SIZES = {
    "test": (dict(), 4, 24),
    "small": (dict(d_model=128, n_heads=4, n_layers=4, d_ff=512, max_len=512), 16, 384),
    ("large", "cuda"): (dict(d_model=1024, n_heads=16, n_layers=12, d_ff=4096, max_len=4096),
                        64, 3072),
    ("large", "cpu"): (dict(d_model=256, n_heads=8, n_layers=6, d_ff=1024, max_len=1024),
                       32, 768),
}


def _loop(forward, prompt, n_new, use_cache, to_ids, argmax, device):
    """Greedy generation by hand, timing each step: (tokens list, per-step seconds)."""
    ids = list(prompt)
    cache = forward.new_cache() if use_cache else None
    step_seconds = []
    new = ids
    for _ in range(n_new):
        start = time.perf_counter()
        logits = forward(to_ids(new), cache=cache) if use_cache else forward(to_ids(ids))
        next_id = int(argmax(logits[0, -1]))
        synchronize(device)
        step_seconds.append(time.perf_counter() - start)
        ids.append(next_id)
        new = [next_id]
    return ids, step_seconds


def run(backend: str, device: str, scale: str, out_dir, seed: int = 0) -> dict:
    import pycore as pc

    shape, T_prompt, n_new = pick(SIZES, scale, device)
    config = pc.TransformerConfig.preset("tiny", **shape)
    prompt = np.random.default_rng(seed).integers(0, config.vocab_size, T_prompt).tolist()
    params = pc.init_params(config, seed)
    params["tokens"] = params["tokens"] * 25  # peaked logits: greedy ties (and float noise) rare
    if backend == "torch":
        import torch

        import pycore_torch as pt

        model = pt.DecoderLM(config, params, dtype=torch.float32, device=device).eval()

        def forward(ids, cache=None):
            with torch.no_grad():
                return model(ids, cache=cache, fused=True)

        forward.new_cache = model.new_cache

        def to_ids(ids):
            return torch.tensor([ids], device=device)

        argmax = torch.argmax
        dtype = "float32"
    else:
        model = pc.DecoderLM(config, params, dtype=np.float32)

        def forward(ids, cache=None):
            return model.forward(ids, cache=cache)

        forward.new_cache = model.new_cache

        def to_ids(ids):
            return np.array([ids])

        argmax = np.argmax
        dtype = "float32"
    print(f"{DEMO_ID} at scale: DecoderLM d_model={config.d_model}, {config.n_layers} layers, "
          f"{pc.count_parameters(config):,} parameters, prompt {T_prompt} + {n_new} new tokens "
          f"({backend}, {device}, {dtype})")
    _loop(forward, prompt, 4, True, to_ids, argmax, device)  # warm-up (kernels, allocator)
    cached_ids, cached_t = _loop(forward, prompt, n_new, True, to_ids, argmax, device)
    plain_ids, plain_t = _loop(forward, prompt, n_new, False, to_ids, argmax, device)
    same = cached_ids == plain_ids
    checkpoints = sorted({n for n in (n_new // 8, n_new // 4, n_new // 2, n_new) if n > 0})
    rows = []
    for n in checkpoints:
        c, p = sum(cached_t[:n]), sum(plain_t[:n])
        rows.append(dict(new_tokens=n, cached_s=c, uncached_s=p, cached_tps=n / c,
                         uncached_tps=n / p, speedup=p / c,
                         last_step_cached_ms=1e3 * cached_t[n - 1],
                         last_step_uncached_ms=1e3 * plain_t[n - 1]))
    print_table(rows, [("new_tokens", "new tokens", "d"), ("cached_s", "cached s", ".3f"),
                       ("uncached_s", "uncached s", ".3f"), ("cached_tps", "cached tok/s", ".1f"),
                       ("uncached_tps", "uncached tok/s", ".1f"), ("speedup", "speed-up", ".2f"),
                       ("last_step_cached_ms", "last step ms (cache)", ".2f"),
                       ("last_step_uncached_ms", "last step ms (none)", ".2f")])
    print(f"identical tokens with and without the cache: {same}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    steps = np.arange(1, n_new + 1)
    for times, label in ((cached_t, "KV cache"), (plain_t, "no cache")):
        axes[0].plot(steps, 1e3 * np.array(times), lw=0.8, label=label)
        axes[1].plot(steps, np.cumsum(times), label=label)
    axes[0].set_title("time per generated token (ms)", fontsize=9)
    axes[1].set_title("total time (s)", fontsize=9)
    for ax in axes:
        ax.set_xlabel("tokens generated")
        ax.legend(fontsize=8)
    result = {"demo": DEMO_ID, "config": config.to_dict(),
              "parameters": pc.count_parameters(config), "prompt_length": T_prompt,
              "new_tokens": n_new, "identical_tokens": same, "rows": rows}
    return save_outputs("13_kv_cache", fig, result, out_dir, backend, device, scale)
