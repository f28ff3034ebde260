"""Command line for the demos: run one, in pycore or at scale in PyTorch.

    python -m demos list
    python -m demos run 05/scaling_ablation --backend torch --device cuda --scale large
    python -m demos run 13/flash_attention --device cpu            # CPU-sized defaults
    python -m demos run 04/worked_example                          # any demo, as in the page
    torchrun --nproc_per_node 2 -m demos run 12/train_tiny --device cpu   # data-parallel

A demo with an at-scale twin (``bench/twins/``, experiments kept with the benchmarks) runs
that twin: it prints a table and saves a figure and a JSON file under ``--out`` (default
``bench/results/twins/``). A twin's backend defaults to ``torch``; with ``--backend numpy`` it
runs the same workload in pycore where that is sensible. A demo without a twin runs in pycore
(its only backend, so the default): its file is executed by ``demos.runner.run_demo_file``, as
the page and the tests do, and its figures are saved. torch is imported only for
``--backend torch`` (it is an optional extra).

Under torchrun (WORLD_SIZE > 1) every process runs this command; only a twin that trains
(``TRAINS = True``: 12/train_tiny) runs there, data-parallel over the processes
(``pycore_torch.distributed``), and a failing rank's traceback is recorded for torchrun's
error summary.
"""

import argparse
import base64
import json
import os
import sys
from pathlib import Path

from demos import all_demo_ids, demo_path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results" / "twins"


def _twins():
    """The ``bench.twins`` package (its table needs no torch), or None outside a checkout."""
    if str(REPO) not in sys.path:  # the twins live in the repository, not in the package
        sys.path.append(str(REPO))
    try:
        import bench.twins
    except ImportError:  # an installed package without the repository: no twins
        return None
    return bench.twins


def _torch_device(device):
    import torch

    if device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch sees no CUDA device here; use --device cpu")
    return device


def _run_plain_demo(demo_id, out_dir):
    """Run a demo file as the page does; print its output and save its figures."""
    from demos.runner import run_demo_file

    outcome = run_demo_file(demo_path(demo_id))
    sys.stdout.write(outcome["stdout"])
    if outcome["error"]:
        sys.stderr.write(outcome["error"])
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = demo_id.replace("/", "_")
    # pycore.figures specs as Vega-Lite JSON (open in any Vega-Lite viewer), then Matplotlib's
    # PNGs ({"png": base64, ...}).
    for i, spec in enumerate(outcome.get("figures") or [], start=1):
        path = out_dir / f"{stem}_figure{i}.vl.json"
        path.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
        print(f"figure: {path}")
    for i, image in enumerate(outcome.get("images") or [], start=1):
        path = out_dir / f"{stem}_image{i}.png"
        path.write_bytes(base64.b64decode(image["png"] if isinstance(image, dict) else image))
        print(f"image:  {path}")
    if outcome["result"] is not None:
        print("result: " + json.dumps(outcome["result"], sort_keys=True)[:2000])
    print(f"({outcome['seconds']:.2f} s)")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m demos", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the demos and which have an at-scale twin")
    run = sub.add_parser("run", help="run one demo (its at-scale twin if it has one)")
    run.add_argument("demo_id", help="e.g. 05/scaling_ablation")
    run.add_argument("--backend", choices=["torch", "numpy"], default=None,
                     help="a twin: torch (default) or numpy; any other demo: numpy only")
    run.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (torch backend)")
    run.add_argument("--scale", choices=["test", "small", "large"], default="small",
                     help="test: seconds; small: the CPU default (< ~1 min); large: for a GPU")
    run.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for figure and JSON")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--threads", type=int, default=0,
                     help="torch CPU threads (0: torch's default; 1 helps on a busy machine)")
    run.add_argument("--fsdp", action="store_true",
                     help="a training twin under torchrun: shard parameters (FSDP) instead of "
                          "replicating them (DDP)")
    run.add_argument("--checkpoint", type=Path, default=None,
                     help="a training twin: save the trained weights here (pycore.save .npz)")
    args = parser.parse_args(argv)

    twins_package = _twins()
    twins = twins_package.TWINS if twins_package is not None else {}
    if args.command == "list":
        for demo_id in all_demo_ids():
            print(demo_id + ("   [at-scale twin]" if demo_id in twins else ""))
        for demo_id in sorted(set(twins) - set(all_demo_ids())):
            print(demo_id + "   [at-scale twin only; its page demo is not written yet]")
        return 0

    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if args.demo_id in twins:
        args.backend = args.backend or "torch"
        twin = twins_package.get_twin(args.demo_id)
        trains = getattr(twin, "TRAINS", False)
        options = {"fsdp": args.fsdp, "checkpoint": args.checkpoint} if trains else {}
        if not trains and (args.fsdp or args.checkpoint is not None):
            raise SystemExit(f"--fsdp and --checkpoint apply to a twin that trains; "
                             f"{args.demo_id!r} does not")
        if world_size > 1 and not (trains and args.backend == "torch"):
            raise SystemExit(f"torchrun started {world_size} processes, but only a training "
                             f"twin with --backend torch runs data-parallel, not "
                             f"{args.demo_id!r} --backend {args.backend}; run it without "
                             f"torchrun")
        if args.backend == "torch":
            import torch

            if args.threads:
                torch.set_num_threads(args.threads)
            _torch_device(args.device)
        elif args.device != "cpu":
            raise SystemExit("--backend numpy runs on the CPU only; drop --device")
        twin.run(args.backend, args.device, args.scale, args.out, args.seed, **options)
        return 0
    if world_size > 1:
        raise SystemExit(f"{args.demo_id!r} is a page demo: run it without torchrun")
    if args.backend == "torch":  # asked for explicitly: the default here is numpy
        raise SystemExit(f"{args.demo_id!r} has no at-scale twin (twins: {sorted(twins)}); "
                         "drop --backend torch to run it in pycore")
    if args.device != "cpu" or args.fsdp or args.checkpoint is not None:
        raise SystemExit(f"{args.demo_id!r} is a page demo: it runs in pycore on the CPU; "
                         "drop --device, --fsdp and --checkpoint")
    return _run_plain_demo(args.demo_id, args.out)


def _launched_main():
    """``main`` with torchrun's error recording when torchrun started this process."""
    if "TORCHELASTIC_RUN_ID" in os.environ:
        from torch.distributed.elastic.multiprocessing.errors import record

        return record(main)()
    return main()


if __name__ == "__main__":
    sys.exit(_launched_main())
