"""The same workloads in pycore (NumPy, CPU), PyTorch on the CPU and PyTorch on CUDA.

Workloads (float32 everywhere, so the backends do the same arithmetic):
- attention: causal softmax(q k^T / sqrt(d)) v forward on (B, h, T, d_head); pycore's
  ``scaled_dot_product_attention``, pycore_torch's written-out one (naive) and its fused one
  (``flash_attention``, torch's ``scaled_dot_product_attention`` kernel);
- matmul: one (M, K) @ (K, N) product, the operation that dominates a transformer;
- decoder: a DecoderLM (the "small" preset) forward + backward of the next-token loss on
  (B, T) tokens: ``pycore.loss_and_grads`` (hand-written backward passes) against autograd.

The ratios (pycore / torch CPU, torch CPU / torch CUDA) come from one run on one machine. On
CUDA the benchmark also times larger attention and matmul problems in bf16 (and the matmul in
TF32) and reports the achieved TFLOP/s against the device's dense peak from ``PEAKS``. FLOP
counts: matmul 2 M K N; attention 4 B h T^2 d_head (both matmuls; the causal half is not
subtracted for the naive path, which computes every entry, and is for the fused path, which
skips masked tiles); decoder 6 N (B T) + 12 L B T^2 d_model (Kaplan et al. 2020, section 2.1;
PaLM, appendix B, for the attention term). Writes ``bench/results/backends.json``.

    .venv/bin/python bench/bench_backends.py
    .venv/bin/python bench/bench_backends.py --threads 1 --repeats 5
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

# What the results JSON records as its maker (committed results name their script).
GENERATED_BY = "bench/bench_backends.py"
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pycore as pc  # noqa: E402

# Dense (no sparsity) peak throughput in TFLOP/s from the vendors' data sheets, matched
# against torch.cuda.get_device_name() in order (more specific names first).
PEAKS = [
    ("H100 PCIe", {"bf16": 756.0, "tf32": 378.0, "fp32": 51.2}),
    ("H100", {"bf16": 989.4, "tf32": 494.7, "fp32": 66.9}),  # SXM5
    ("H200", {"bf16": 989.4, "tf32": 494.7, "fp32": 66.9}),
    ("A100", {"bf16": 312.0, "tf32": 156.0, "fp32": 19.5}),
    ("L4", {"bf16": 121.0, "tf32": 60.0, "fp32": 30.3}),
    ("V100", {"bf16": None, "tf32": None, "fp32": 15.7}),
]


def device_peaks(name):
    for key, peaks in PEAKS:
        if key in name:
            return key, peaks
    return None, {}


def best_seconds(fn, repeats, sync=None):
    fn()  # warm-up: kernels, allocator, caches
    if sync:
        sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        if sync:
            sync()
        times.append(time.perf_counter() - start)
    return min(times)


def numpy_workloads(attn, mm, dec, repeats):
    rng = np.random.default_rng(0)
    B, h, T, d = attn
    q, k, v = (rng.standard_normal((B, h, T, d)).astype(np.float32) for _ in range(3))
    mask = pc.causal_mask(T)
    M, K, N = mm
    a, b = rng.standard_normal((M, K)).astype(np.float32), rng.standard_normal((K, N)).astype(
        np.float32)
    config, Bd, Td = dec
    model = pc.DecoderLM(config, pc.init_params(config, 0, dtype=np.float32))
    ids = rng.integers(0, config.vocab_size, size=(Bd, Td + 1))
    return {
        "attention_naive": best_seconds(
            functools.partial(pc.scaled_dot_product_attention, q, k, v, mask), repeats),
        "matmul": best_seconds(functools.partial(np.matmul, a, b), repeats),
        "decoder_fwd_bwd": best_seconds(
            functools.partial(pc.loss_and_grads, model, ids[:, :-1], ids[:, 1:]), repeats),
    }


def torch_workloads(device, attn, mm, dec, repeats, dtype_name="float32"):
    import torch
    import torch.nn.functional as F

    import pycore_torch as pt

    dtype = getattr(torch, dtype_name)
    sync = torch.cuda.synchronize if device.startswith("cuda") else None
    g = torch.Generator(device=device).manual_seed(0)
    B, h, T, d = attn
    q, k, v = (torch.randn(B, h, T, d, device=device, dtype=dtype, generator=g)
               for _ in range(3))
    mask = pt.causal_mask(T, device=device)
    M, K, N = mm
    a = torch.randn(M, K, device=device, dtype=dtype, generator=g)
    b = torch.randn(K, N, device=device, dtype=dtype, generator=g)
    out = {
        "attention_naive": best_seconds(
            functools.partial(pt.scaled_dot_product_attention, q, k, v, mask), repeats, sync),
        "attention_fused": best_seconds(
            functools.partial(pt.flash_attention, q, k, v, causal=True), repeats, sync),
        "matmul": best_seconds(functools.partial(torch.matmul, a, b), repeats, sync),
    }
    if dec is not None:
        config, Bd, Td = dec
        model = pt.DecoderLM(config, dtype=dtype, device=device)
        ids = torch.randint(0, config.vocab_size, (Bd, Td + 1), device=device, generator=g)

        def fwd_bwd():
            model.zero_grad(set_to_none=True)
            logits = model(ids[:, :-1], fused=True)  # (B, T, V)
            loss = F.cross_entropy(logits.reshape(-1, config.vocab_size), ids[:, 1:].reshape(-1))
            loss.backward()

        out["decoder_fwd_bwd"] = best_seconds(fwd_bwd, repeats, sync)
    return out


def flops(attn, mm, dec):
    B, h, T, d = attn
    M, K, N = mm
    config, Bd, Td = dec
    n = pc.count_parameters(config)
    return {"attention_naive": 4 * B * h * T * T * d, "attention_fused": 2 * B * h * T * T * d,
            "matmul": 2 * M * K * N,
            "decoder_fwd_bwd": 6 * n * Bd * Td + 12 * config.n_layers * Bd * Td ** 2 *
            config.d_model}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attention", type=int, nargs=4, default=[1, 8, 1024, 64],
                        metavar=("B", "h", "T", "d_head"))
    parser.add_argument("--matmul", type=int, nargs=3, default=[1024, 1024, 1024],
                        metavar=("M", "K", "N"))
    parser.add_argument("--decoder-batch", type=int, nargs=2, default=[8, 128],
                        metavar=("B", "T"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "backends.json")
    args = parser.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    attn, mm = tuple(args.attention), tuple(args.matmul)
    dec = (pc.TransformerConfig.preset("small"), *args.decoder_batch)
    work_flops = flops(attn, mm, dec)
    times = {"pycore_cpu": numpy_workloads(attn, mm, dec, args.repeats),
             "torch_cpu": torch_workloads("cpu", attn, mm, dec, args.repeats)}
    cuda = torch.cuda.is_available()
    result = {
        "generated_by": GENERATED_BY,
        "benchmark": "pycore vs torch CPU vs torch CUDA, same workloads, float32",
        "workloads": {"attention": dict(zip(("B", "h", "T", "d_head"), attn)),
                      "matmul": dict(zip("MKN", mm)),
                      "decoder": {"config": "small", "B": dec[1], "T": dec[2],
                                  "parameters": pc.count_parameters(dec[0])}},
        "flops": work_flops,
        "python": platform.python_version(), "numpy": np.__version__,
        "torch": torch.__version__, "cpu": platform.machine(),
        "torch_cpu_threads": torch.get_num_threads(), "cuda_device": None,
        "repeats": args.repeats,
    }
    if cuda:
        name = torch.cuda.get_device_name(0)
        result["cuda_device"] = name
        times["torch_cuda"] = torch_workloads("cuda", attn, mm, dec, args.repeats)
        result["cuda_at_scale"] = cuda_at_scale(name, args.repeats)
    result["seconds"] = times
    ratios = {}
    for work in times["pycore_cpu"]:
        ratios[work] = {"pycore_cpu / torch_cpu": times["pycore_cpu"][work] /
                        times["torch_cpu"][work]}
        if cuda:
            ratios[work]["torch_cpu / torch_cuda"] = times["torch_cpu"][work] / \
                times["torch_cuda"][work]
            ratios[work]["pycore_cpu / torch_cuda"] = times["pycore_cpu"][work] / \
                times["torch_cuda"][work]
    result["ratios"] = ratios
    result["gflops_per_second"] = {
        backend: {w: work_flops[w] / s / 1e9 for w, s in t.items()} for backend, t in times.items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print_summary(result, times)
    print(f"wrote {args.out}")
    return result


def cuda_at_scale(name, repeats):
    """Larger attention and matmul problems on the GPU: achieved TFLOP/s vs the dense peak."""
    import torch

    key, peaks = device_peaks(name)
    rows = []
    mm = (8192, 8192, 8192)
    for label, dtype, tf32, peak in (("matmul bf16", "bfloat16", False, peaks.get("bf16")),
                                     ("matmul tf32", "float32", True, peaks.get("tf32")),
                                     ("matmul fp32", "float32", False, peaks.get("fp32"))):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        a, b = (torch.randn(mm[:2], device="cuda", dtype=getattr(torch, dtype)) for _ in range(2))
        s = best_seconds(functools.partial(torch.matmul, a, b), repeats, torch.cuda.synchronize)
        rows.append(_tflops_row(label, 2 * mm[0] * mm[1] * mm[2], s, peak))
        del a, b
    torch.backends.cuda.matmul.allow_tf32 = False
    import pycore_torch as pt

    B, h, T, d = 4, 16, 8192, 64
    q, k, v = (torch.randn(B, h, T, d, device="cuda", dtype=torch.bfloat16) for _ in range(3))
    s = best_seconds(functools.partial(pt.flash_attention, q, k, v, causal=True), repeats,
                     torch.cuda.synchronize)
    rows.append(_tflops_row(f"fused causal attention bf16 (B={B}, h={h}, T={T}, d={d})",
                            2 * B * h * T * T * d, s, peaks.get("bf16")))
    s = best_seconds(functools.partial(pt.flash_attention, q, k, v, causal=False), repeats,
                     torch.cuda.synchronize)
    rows.append(_tflops_row(f"fused attention bf16 (B={B}, h={h}, T={T}, d={d})",
                            4 * B * h * T * T * d, s, peaks.get("bf16")))
    return {"device": name, "peak_table_entry": key, "rows": rows}


def _tflops_row(label, n_flops, seconds, peak):
    achieved = n_flops / seconds / 1e12
    return {"workload": label, "seconds": seconds, "tflops": achieved, "peak_tflops": peak,
            "fraction_of_peak": None if not peak else achieved / peak}


def print_summary(result, times):
    backends = list(times)
    print(f"best of {result['repeats']}; torch {result['torch']}, "
          f"{result['torch_cpu_threads']} CPU threads; CUDA: {result['cuda_device']}")
    print(f"{'workload':<18}" + "".join(f"{b + ' s':>16}" for b in backends) +
          f"{'pycore/torch_cpu':>18}" + (f"{'cpu/cuda':>10}" if "torch_cuda" in times else ""))
    for work in times["torch_cpu"]:
        cells = "".join(f"{times[b].get(work, float('nan')):>16.5f}" for b in backends)
        ratio = result["ratios"].get(work, {})
        r1 = ratio.get("pycore_cpu / torch_cpu")
        line = f"{work:<18}{cells}{'' if r1 is None else f'{r1:.2f}':>18}"
        if "torch_cuda" in times:
            line += f"{times['torch_cpu'][work] / times['torch_cuda'][work]:>10.1f}"
        print(line)
    for row in result.get("cuda_at_scale", {}).get("rows", []):
        frac = row["fraction_of_peak"]
        print(f"  {row['workload']}: {row['tflops']:.1f} TFLOP/s"
              + ("" if frac is None else f" = {frac:.0%} of the {row['peak_tflops']} peak"))


if __name__ == "__main__":
    main()
