"""Data-parallel training throughput: the chapter-12 twin on 1 and 2 processes (torchrun).

Each run is the README's command, ``torchrun --nproc_per_node N -m demos run 12/train_tiny
--backend torch --device DEVICE --scale SCALE --threads 1``: every rank trains on its own B
sequences per step and DDP all-reduces the gradients, so N processes handle N x the tokens
of one per step. The twin times its training loop (start-up and the final sample excluded)
and reports tokens/s over all ranks; this script repeats each N, keeps every sample, and
reports the median, the speed-up over one process and the scaling efficiency
(speed-up / N). On a CPU each process gets one thread (``--threads 1``), so 2 processes need
2 free cores: on a machine whose cores are shared, the load average is saved with the
numbers. Writes ``bench/results/ddp.json`` (``--out``).

    .venv/bin/python bench/bench_ddp.py                          # 1 and 2 processes, CPU
    .venv/bin/python bench/bench_ddp.py --device cuda --nproc 1 2 --scale large
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# What the results JSON records as its maker (committed results name their script).
GENERATED_BY = "bench/bench_ddp.py"
REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results" / "ddp.json"


def train_once(nproc, device, scale, timeout_s):
    """One torchrun launch of the twin: its saved JSON (tokens/s, seconds, sizes)."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node",
                   str(nproc), "--standalone", "-m", "demos", "run", "12/train_tiny",
                   "--backend", "torch", "--device", device, "--scale", scale,
                   "--threads", "1", "--out", out]
        env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
        finished = subprocess.run(command, cwd=str(REPO), env=env, capture_output=True,
                                  text=True, timeout=timeout_s)
        if finished.returncode != 0:
            raise SystemExit(f"torchrun --nproc_per_node {nproc} failed:\n"
                             + finished.stdout[-2000:] + finished.stderr[-4000:])
        (saved,) = Path(out).glob("12_train_tiny*.json")
        return json.loads(saved.read_text())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nproc", type=int, nargs="+", default=[1, 2],
                        help="process counts to time (the first is the baseline)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--scale", choices=["test", "small", "large"], default="small")
    parser.add_argument("--repeats", type=int, default=3, help="launches per process count")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per launch")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    import torch

    load_before = os.getloadavg()
    samples = {n: [] for n in args.nproc}
    runs = {}
    # Interleave the process counts so that a change in the machine's load hits all of them.
    for repeat in range(args.repeats):
        for n in args.nproc:
            started = time.perf_counter()
            saved = train_once(n, args.device, args.scale, args.timeout)
            samples[n].append(saved["tokens_per_second"])
            runs[n] = {k: saved[k] for k in ("parameters", "steps", "batch", "T",
                                            "global_batch", "world_size", "parallel")}
            print(f"repeat {repeat + 1}/{args.repeats}, {n} process(es): "
                  f"{saved['tokens_per_second']:,.0f} tokens/s "
                  f"({time.perf_counter() - started:.1f} s with start-up)", flush=True)
    load_after = os.getloadavg()

    base = statistics.median(samples[args.nproc[0]]) * args.nproc[0]  # per process
    rows = []
    for n in args.nproc:
        median = statistics.median(samples[n])
        rows.append({"processes": n, "tokens_per_second": median,
                     "samples": samples[n], "speed_up": median / base,
                     "efficiency": median / base / n, **runs[n]})
    print(f"\n12/train_tiny --scale {args.scale} on {args.device}, median of {args.repeats}:")
    print(" N  tokens/s  speed-up  efficiency  global batch")
    for r in rows:
        print(f"{r['processes']:>2}  {r['tokens_per_second']:>8,.0f}  {r['speed_up']:>8.2f}"
              f"  {r['efficiency']:>10.2f}  {r['global_batch']} x {r['T']}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} on "
          f"{os.cpu_count()} cores")

    device_name = (torch.cuda.get_device_name(0) if args.device.startswith("cuda")
                   else platform.processor() or platform.machine())
    result = {"generated_by": GENERATED_BY,
              "benchmark": "data-parallel training of 12/train_tiny (torchrun, DDP)",
              "device": args.device, "device_name": device_name, "scale": args.scale,
              "threads_per_process": 1, "repeats": args.repeats, "cpu_count": os.cpu_count(),
              "load_average_before": load_before, "load_average_after": load_after,
              "torch": torch.__version__, "python": platform.python_version(), "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"json: {args.out}")
    return result


if __name__ == "__main__":
    main()
