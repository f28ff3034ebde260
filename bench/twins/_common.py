"""What every at-scale twin shares: settings by scale and device, timing that waits for the GPU,
peak-memory measurement, the printed table, the saved figure and JSON."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "bench" / "results" / "twins"
SCALES = ("test", "small", "large")
BACKENDS = ("torch", "numpy")


def pick(table: dict, scale: str, device: str):
    """``table[(scale, device)]``, falling back to ``table[scale]``."""
    return table.get((scale, device), table.get(scale))


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def best_seconds(fn, device: str = "cpu", repeats: int = 3, warmup: int = 1) -> float:
    """The fastest of ``repeats`` timed calls of ``fn()`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    synchronize(device)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return min(times)


def cuda_peak_bytes(fn, device: str):
    """Peak CUDA memory allocated during ``fn()`` above what was held before, or None on CPU."""
    if not device.startswith("cuda"):
        fn()
        return None
    import torch

    synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    before = torch.cuda.memory_allocated(device)
    fn()
    synchronize(device)
    return int(torch.cuda.max_memory_allocated(device) - before)


def fmt(value, spec: str = ".4g") -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return format(value, spec)


def print_table(rows, columns) -> str:
    """Print ``rows`` (dicts) as an aligned table; ``columns`` is [(key, header, spec)]."""
    cells = [[header for _, header, _ in columns]]
    cells += [[fmt(row.get(key), spec) for key, _, spec in columns] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    text = "\n".join(lines)
    print(text)
    return text


def jsonable(x):
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, Path):
        return str(x)
    return x


def save_outputs(name: str, fig, result: dict, out_dir, backend: str, device: str,
                 scale: str) -> dict:
    """Save the figure (PNG) and ``result`` (JSON) under ``out_dir``; print both paths."""
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{name}_{backend}_{device.split(':')[0]}_{scale}"
    figure_path = out_dir / f"{stem}.png"
    fig.tight_layout()
    fig.savefig(figure_path, dpi=110)
    plt.close(fig)
    json_path = out_dir / f"{stem}.json"
    result = dict(generated_by=generated_by(result["demo"], backend, device, scale), **result,
                  figure=str(figure_path), backend=backend, device=device, scale=scale)
    json_path.write_text(json.dumps(jsonable(result), indent=2) + "\n")
    print(f"figure: {figure_path}")
    print(f"json:   {json_path}")
    return result


def generated_by(demo_id: str, backend: str, device: str, scale: str) -> str:
    """The twin's file and the command that ran it, recorded in its JSON."""
    from . import TWINS

    return (f"bench/twins/{TWINS[demo_id]}.py: python -m demos run {demo_id} "
            f"--backend {backend} --device {device.split(':')[0]} --scale {scale}")


def device_name(device: str) -> str:
    if device.startswith("cuda"):
        import torch

        return torch.cuda.get_device_name(device)
    import platform

    return platform.processor() or platform.machine()
