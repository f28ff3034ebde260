"""At-scale twin of demo 13/flash_attention: naive vs fused ("flash") attention, time and memory.

Naive attention materialises the (B, h, T, T) score and weight matrices: memory O(T^2).
FlashAttention (Dao et al. 2022, Algorithm 1) computes the same softmax(q k^T / sqrt(d)) v
tile by tile with an online softmax and keeps only O(T d) (its backward recomputes the
tiles), and on a GPU it also saves the reads and writes of those matrices to slow memory.
The demo shows equality and the memory curve in NumPy up to a few thousand tokens; this twin
times ``pycore_torch.scaled_dot_product_attention`` (naive) against
``pycore_torch.flash_attention`` (``torch.nn.functional.scaled_dot_product_attention``)
causally, up to T = 32,768 on a GPU, where the naive path runs out of memory first.

On CUDA the peak memory is measured (``torch.cuda.max_memory_allocated`` above the inputs);
on the CPU the naive path's T x T bytes are computed instead (torch does not trace CPU
allocations). ``--backend numpy`` runs pycore's tiled NumPy algorithm against pycore's naive
attention with tracemalloc peaks, as ``bench/bench_flash.py`` does.
"""

from __future__ import annotations

import functools
import tracemalloc

import numpy as np

from ._common import best_seconds, cuda_peak_bytes, pick, print_table, save_outputs

DEMO_ID = "13/flash_attention"
SUMMARY = "naive vs fused attention: time and peak memory as T grows (causal)"

# (B, h, d_head, lengths)
SIZES = {
    "test": (1, 2, 32, [64, 128]),
    "small": (1, 4, 64, [256, 512, 1024, 2048, 4096]),
    ("small", "cuda"): (1, 8, 64, [512, 1024, 2048, 4096, 8192]),
    ("large", "cuda"): (1, 8, 64, [1024, 2048, 4096, 8192, 16384, 32768]),
    ("large", "cpu"): (1, 4, 64, [512, 1024, 2048, 4096, 8192]),
}
NUMPY_LENGTHS = {"test": [64, 128], "small": [256, 512, 1024, 2048], "large": [512, 1024, 2048,
                                                                                 4096]}


def _measure_torch(T, device, dtype, B, h, d_head, generator):
    """One row: time, peak memory and agreement of naive and fused causal attention at T."""
    import torch

    import pycore_torch as pt

    q, k, v = (torch.randn(B, h, T, d_head, device=device, dtype=dtype, generator=generator)
               for _ in range(3))  # (B, h, T, d_head)
    mask = pt.causal_mask(T, device=device)  # (T, T)
    flash = functools.partial(pt.flash_attention, q, k, v, causal=True)
    naive = functools.partial(pt.scaled_dot_product_attention, q, k, v, mask)
    cuda = device.startswith("cuda")
    repeats = (3 if T <= 8192 else 2) if cuda else (3 if T <= 1024 else 1)
    row = {"T": T, "score_matrix_bytes": B * h * T * T * (torch.finfo(dtype).bits // 8)}
    flash_out = flash()  # the first calls double as warm-up
    try:
        row["max_abs_diff"] = float((naive().float() - flash_out.float()).abs().max())
        row["naive_s"] = best_seconds(naive, device, repeats, warmup=0)
        row["naive_peak_bytes"] = cuda_peak_bytes(naive, device)
    except torch.cuda.OutOfMemoryError:  # the naive path's T x T matrices do not fit
        row["naive_s"] = "OOM"
    del flash_out
    row["flash_s"] = best_seconds(flash, device, repeats, warmup=0)
    row["flash_peak_bytes"] = cuda_peak_bytes(flash, device)
    if isinstance(row["naive_s"], float):
        row["speedup"] = row["naive_s"] / row["flash_s"]
    return row


def _run_torch(device, B, h, d_head, lengths, seed):
    import torch

    # bf16 on the GPU: the dtype FlashAttention kernels run in; float32 on the CPU.
    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    generator = torch.Generator(device=device).manual_seed(seed)
    rows = []
    for T in lengths:
        rows.append(_measure_torch(T, device, dtype, B, h, d_head, generator))
        if device.startswith("cuda"):
            torch.cuda.empty_cache()  # give the freed T x T blocks back before the next T
    return rows, str(dtype).replace("torch.", "")


def _traced_peak(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _measure_numpy(T, h, d_head, rng):
    import pycore as pc

    q, k, v = (rng.standard_normal((h, T, d_head)).astype(np.float32) for _ in range(3))
    flash = functools.partial(pc.flash_attention, q, k, v, block_size=128, causal=True)
    naive = functools.partial(pc.scaled_dot_product_attention, q, k, v, pc.causal_mask(T))
    row = {"T": T, "score_matrix_bytes": h * T * T * 4,
           "max_abs_diff": float(np.max(np.abs(flash() - naive())))}
    row["flash_s"] = best_seconds(flash, repeats=1, warmup=0)
    row["naive_s"] = best_seconds(naive, repeats=1, warmup=0)
    row["flash_peak_bytes"] = _traced_peak(flash)
    row["naive_peak_bytes"] = _traced_peak(naive)
    row["speedup"] = row["naive_s"] / row["flash_s"]
    return row


def _run_numpy(lengths, h, d_head, seed):
    rng = np.random.default_rng(seed)
    return [_measure_numpy(T, h, d_head, rng) for T in lengths], "float32"


def run(backend: str, device: str, scale: str, out_dir, seed: int = 0) -> dict:
    B, h, d_head, lengths = pick(SIZES, scale, device)
    if backend == "numpy":
        B, lengths = 1, NUMPY_LENGTHS[scale]
        rows, dtype = _run_numpy(lengths, h, d_head, seed)
    else:
        rows, dtype = _run_torch(device, B, h, d_head, lengths, seed)
    print(f"{DEMO_ID} at scale: causal attention, B={B}, h={h}, d_head={d_head}, {dtype} "
          f"({backend}, {device})")
    mib = 2.0 ** 20
    for r in rows:
        for key in ("flash_peak_bytes", "naive_peak_bytes", "score_matrix_bytes"):
            if isinstance(r.get(key), (int, float)):
                r[key.replace("_bytes", "_mib")] = r[key] / mib
    print_table(rows, [("T", "T", "d"), ("naive_s", "naive s", ".4g"),
                       ("flash_s", "flash s", ".4g"), ("speedup", "speed-up", ".2f"),
                       ("score_matrix_mib", "T^2 scores MiB", ".1f"),
                       ("naive_peak_mib", "naive peak MiB", ".1f"),
                       ("flash_peak_mib", "flash peak MiB", ".1f"),
                       ("max_abs_diff", "max |diff|", ".2g")])

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    Ts = [r["T"] for r in rows]
    for key, label, style in (("naive", "naive", "o-"), ("flash", "flash / fused", "s-")):
        pts = [(r["T"], r[f"{key}_s"]) for r in rows if isinstance(r.get(f"{key}_s"), float)]
        axes[0].plot(*zip(*pts), style, ms=3, label=label)
        mem = [(r["T"], r[f"{key}_peak_mib"]) for r in rows if f"{key}_peak_mib" in r]
        if mem:
            axes[1].plot(*zip(*mem), style, ms=3, label=f"{label} (measured peak)")
    axes[1].plot(Ts, [r["score_matrix_mib"] for r in rows], "k:", label="one T x T matrix")
    oom = [r["T"] for r in rows if r.get("naive_s") == "OOM"]
    if oom:
        axes[0].axvline(min(oom), color="red", lw=0.8, ls="--", label="naive: out of memory")
    for ax, title in zip(axes, ("time (s)", "memory (MiB)")):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("sequence length T")
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7)
    result = {"demo": DEMO_ID, "B": B, "h": h, "d_head": d_head, "dtype": dtype, "rows": rows,
              "flops_per_call": [4 * B * h * r["T"] ** 2 * d_head / 2 for r in rows],
              "note": "flops_per_call counts the causal half of 4 B h T^2 d_head"}
    return save_outputs("13_flash_attention", fig, result, out_dir, backend, device, scale)
