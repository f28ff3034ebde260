"""FlashAttention benchmark: peak memory and time of tiled vs naive attention in NumPy.

For T = 256 ... 4096 (one head, d_head = 64, float32 by default), it runs
``pycore.flash_attention`` (Dao et al. 2022, Algorithm 1) and the naive
``pycore.scaled_dot_product_attention`` on the same random q, k, v and records:

- peak_bytes: the peak of memory allocated during the call (``tracemalloc``, which NumPy
  reports its array buffers to), inputs excluded;
- seconds: the best of ``--repeats`` wall-clock runs (without tracemalloc, which slows code);
- max_abs_diff between the two outputs.

The naive path holds several T x T matrices, so its peak grows like T^2; flash holds only
O(T * d_head + block^2), so its peak should grow about linearly in T. In NumPy the tiling
costs time (a Python loop over (T / block)^2 tiles): the point is memory, not speed. Writes
``bench/results/flash.json`` and prints a summary table.

    .venv/bin/python bench/bench_flash.py
    .venv/bin/python bench/bench_flash.py --dtype float64 --block-size 128 --lengths 256 1024
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

# What the results JSON records as its maker (committed results name their script).
GENERATED_BY = "bench/bench_flash.py"
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pycore as pc  # noqa: E402


def peak_bytes(f):
    """Peak bytes allocated while ``f()`` runs (memory already held before is not counted)."""
    tracemalloc.start()
    try:
        f()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def best_seconds(f, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[256, 512, 1024, 2048, 4096])
    parser.add_argument("--d-head", type=int, default=64)
    parser.add_argument("--block-size", type=int, default=64)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "flash.json")
    args = parser.parse_args(argv)

    dtype = np.dtype(args.dtype)
    rng = np.random.default_rng(0)
    rows = []
    for T in args.lengths:
        q, k, v = (rng.normal(size=(T, args.d_head)).astype(dtype) for _ in range(3))

        flash = functools.partial(pc.flash_attention, q, k, v, block_size=args.block_size)
        naive = functools.partial(pc.scaled_dot_product_attention, q, k, v)

        row = {
            "T": T,
            "flash_peak_bytes": peak_bytes(flash),
            "naive_peak_bytes": peak_bytes(naive),
            "flash_seconds": best_seconds(flash, args.repeats),
            "naive_seconds": best_seconds(naive, args.repeats),
            "scores_matrix_bytes": T * T * dtype.itemsize,
            "max_abs_diff": float(np.max(np.abs(flash() - naive()))),
        }
        rows.append(row)

    # Growth exponents between consecutive lengths: log(peak ratio) / log(T ratio).
    for prev, row in zip(rows, rows[1:]):
        span = np.log(row["T"] / prev["T"])
        for kind in ("flash", "naive"):
            ratio = row[f"{kind}_peak_bytes"] / prev[f"{kind}_peak_bytes"]
            row[f"{kind}_memory_exponent"] = float(np.log(ratio) / span)

    # Least-squares line peak = a + b * T for flash: b is the memory per query row, and the
    # largest relative residual says how far from linear the measurements are.
    lengths = np.array([row["T"] for row in rows], dtype=float)
    flash_peaks = np.array([row["flash_peak_bytes"] for row in rows], dtype=float)
    linear_fit = None
    if len(rows) >= 2:
        slope, intercept = np.polyfit(lengths, flash_peaks, 1)
        residual = np.max(np.abs(flash_peaks - (intercept + slope * lengths)) / flash_peaks)
        linear_fit = {"bytes_per_token": float(slope), "intercept_bytes": float(intercept),
                      "max_relative_residual": float(residual)}

    result = {
        "generated_by": GENERATED_BY,
        "benchmark": "flash_attention vs naive attention (pycore, NumPy)",
        "d_head": args.d_head,
        "block_size": args.block_size,
        "dtype": args.dtype,
        "repeats": args.repeats,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "rows": rows,
        "flash_linear_fit": linear_fit,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")

    mib = 1024 * 1024
    print(f"flash vs naive attention, d_head={args.d_head}, block={args.block_size}, "
          f"{args.dtype}, best of {args.repeats}")
    print(f"{'T':>6} {'flash MiB':>10} {'naive MiB':>10} {'T^2 MiB':>9} {'flash s':>9} "
          f"{'naive s':>9} {'flash exp':>9} {'naive exp':>9} {'max diff':>9}")
    for row in rows:
        fe = row.get("flash_memory_exponent")
        ne = row.get("naive_memory_exponent")
        print(f"{row['T']:>6} {row['flash_peak_bytes'] / mib:>10.2f} "
              f"{row['naive_peak_bytes'] / mib:>10.2f} {row['scores_matrix_bytes'] / mib:>9.2f} "
              f"{row['flash_seconds']:>9.4f} {row['naive_seconds']:>9.4f} "
              f"{'' if fe is None else f'{fe:.2f}':>9} {'' if ne is None else f'{ne:.2f}':>9} "
              f"{row['max_abs_diff']:>9.1e}")
    print("memory exponent: d log(peak) / d log(T); ~1 = linear, ~2 = quadratic")
    if linear_fit is not None:
        print(f"flash peak ~ {linear_fit['intercept_bytes'] / 1024:.0f} KiB + "
              f"{linear_fit['bytes_per_token']:.0f} B * T "
              f"(max relative residual {linear_fit['max_relative_residual']:.1%})")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
