"""Benchmark: generation with and without a KV cache, and speculative decoding statistics.

Run from the repository root:  python bench/bench_generation.py [--quick]
Writes bench/results/generation.json and prints a summary.

1. Cached vs uncached sampling on a small DecoderLM for 16..256 new tokens: wall time (best
   of a few repeats) and a check that both paths produced identical tokens.
2. Speculative decoding with drafts of different quality: the target itself (every draft
   accepted), the target's weights plus Gaussian noise of growing size, and an unrelated
   random small model (token embeddings of target and random draft scaled by 4 so that
   these untrained models make confident predictions). Reports acceptance rate and tokens
   per target call.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

# One BLAS thread: the browser (Pyodide) is single-threaded, and on a shared machine extra
# BLAS threads oversubscribe the cores and make wall times meaningless. Set before NumPy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

# What the results JSON records as its maker (committed results name their script).
GENERATED_BY = "bench/bench_generation.py"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pycore as pc  # noqa: E402


def best_time(fn, repeats):
    """Smallest process CPU time of ``repeats`` calls, and the last return value.

    CPU time rather than wall time: the machine is shared, and waiting for a core is not
    the algorithm's cost. (With one BLAS thread the two agree on an idle machine.)
    """
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.process_time()
        out = fn()
        best = min(best, time.process_time() - start)
    return best, out


def perturbed(params, scale, rng):
    """A copy of a nested dict of arrays with N(0, (scale * std)^2) noise added to every array."""
    if isinstance(params, dict):
        return {k: perturbed(v, scale, rng) for k, v in params.items()}
    if isinstance(params, (list, tuple)):
        return type(params)(perturbed(v, scale, rng) for v in params)
    arr = np.asarray(params)
    spread = arr.std() if arr.size > 1 and arr.std() > 0 else 1.0
    return arr + scale * spread * rng.normal(size=arr.shape)


def bench_cache(config, lengths, repeats, prompt_len=8):
    model = pc.DecoderLM(config, seed=0)
    prompt = np.random.default_rng(0).integers(0, config.vocab_size, size=prompt_len)
    rows = []
    for n in lengths:
        t_cached, a = best_time(lambda n=n: pc.generate(model, prompt, n, seed=1), repeats)
        t_full, b = best_time(lambda n=n: pc.generate(model, prompt, n, seed=1, use_cache=False),
                              repeats)
        rows.append({"new_tokens": n, "cached_s": t_cached, "uncached_s": t_full,
                     "speedup": t_full / t_cached, "identical_tokens": bool(np.array_equal(a, b))})
    return rows


def sharpened(model, factor):
    """Scale the (tied) token embedding so a random model's predictions are confident.

    Freshly initialised models predict nearly uniform distributions, and two nearly uniform
    distributions agree almost everywhere (acceptance = sum_x min(p, q) close to 1), which
    says nothing about real drafts. Trained models are confident; scaling E imitates that.
    """
    params = dict(model.params)
    params["tokens"] = model.params["tokens"] * factor
    return pc.DecoderLM(model.config, params=params)


def bench_speculative(config_target, config_draft, n_new, n_draft, runs, sharpen=4.0):
    target = sharpened(pc.DecoderLM(config_target, seed=0), sharpen)
    prompt = np.array([1, 2, 3])
    noise_rng = np.random.default_rng(123)
    drafts = [("target itself", target)]
    for scale in (0.01, 0.03, 0.1):
        params = perturbed(target.params, scale, noise_rng)
        drafts.append((f"target + noise {scale}", pc.DecoderLM(config_target, params=params)))
    drafts.append(("random small model", sharpened(pc.DecoderLM(config_draft, seed=7), sharpen)))
    rows = []
    for name, draft in drafts:
        accepted = drafted = calls = 0
        start = time.process_time()
        for run in range(runs):
            _, stats = pc.speculative_generate(target, draft, prompt, n_new, n_draft=n_draft,
                                               seed=run)
            accepted += stats["accepted"]
            drafted += stats["drafted"]
            calls += stats["target_calls"]
        seconds = (time.process_time() - start) / runs
        rows.append({"draft": name, "n_draft": n_draft, "acceptance_rate": accepted / drafted,
                     "tokens_per_target_call": runs * n_new / calls, "seconds_per_run": seconds})
    start = time.process_time()
    for run in range(runs):
        pc.generate(target, prompt, n_new, seed=run)
    plain = (time.process_time() - start) / runs
    return rows, plain


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    args = parser.parse_args(argv)
    lengths = [16, 32] if args.quick else [16, 32, 64, 128, 256]
    repeats = 1 if args.quick else 3
    config = pc.TransformerConfig(vocab_size=64, d_model=64, n_heads=4, n_layers=2, d_ff=256,
                                  max_len=8 + max(lengths))
    cache_rows = bench_cache(config, lengths, repeats)

    config_target = pc.TransformerConfig(vocab_size=64, d_model=64, n_heads=4, n_layers=4,
                                         d_ff=256, max_len=64)
    config_draft = pc.TransformerConfig(vocab_size=64, d_model=16, n_heads=2, n_layers=1,
                                        d_ff=32, max_len=64)
    spec_rows, plain_s = bench_speculative(config_target, config_draft, n_new=32, n_draft=4,
                                           runs=3 if args.quick else 10)
    result = {
        "generated_by": GENERATED_BY,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "timer": "process CPU time (time.process_time), best of repeats, one BLAS thread",
        "cache": {"config": vars(config) if hasattr(config, "__dict__") else str(config),
                  "prompt_len": 8, "rows": cache_rows},
        "speculative": {"target_config": str(config_target), "draft_config": str(config_draft),
                        "embedding_sharpening": 4.0,
                        "new_tokens": 32, "plain_generate_seconds": plain_s, "rows": spec_rows},
    }
    out = ROOT / "bench" / "results" / "generation.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")

    print(f"KV cache: {config}")
    print(f"{'new tokens':>10} {'cached s':>10} {'uncached s':>11} {'speedup':>8} identical"
          "  (CPU seconds)")
    for r in cache_rows:
        print(f"{r['new_tokens']:>10} {r['cached_s']:>10.4f} {r['uncached_s']:>11.4f} "
              f"{r['speedup']:>8.2f} {r['identical_tokens']}")
    print(f"\nSpeculative decoding, 32 new tokens, n_draft 4 (plain sampling "
          f"{plain_s:.4f} s per run)")
    print(f"{'draft':>22} {'acceptance':>10} {'tokens/call':>11} {'s/run':>8}")
    for r in spec_rows:
        print(f"{r['draft']:>22} {r['acceptance_rate']:>10.3f} "
              f"{r['tokens_per_target_call']:>11.2f} {r['seconds_per_run']:>8.4f}")
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
