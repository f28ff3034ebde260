"""At-scale twins of the demos: the same experiment as a page demo, at sizes a browser cannot
reach, run by ``python -m demos run <demo id> --backend torch|numpy --device cpu|cuda
--scale test|small|large``.

Each twin module has ``DEMO_ID`` (the demo it scales), ``SUMMARY`` and
``run(backend, device, scale, out_dir, seed=0) -> dict``; it prints a table, saves a figure
and a JSON file, and returns the result. ``--scale test`` runs in seconds (used by the tests),
``small`` is the CPU default (under about a minute), ``large`` is meant for a GPU.

They are experiments, kept with the benchmarks: they import ``pycore_torch`` (and pycore),
never the other way round, and write under ``bench/results/twins/``. Nothing the site or the
package ships imports them; ``demos/__main__.py`` finds them from the repository.
"""

from __future__ import annotations

import importlib

# demo id -> module under bench.twins
TWINS = {
    "05/scaling_ablation": "scaling_ablation",
    "12/train_tiny": "train_tiny",
    "13/flash_attention": "flash_attention",
    "13/kv_cache": "kv_cache",
}


def get_twin(demo_id: str):
    """The twin module for ``demo_id``; ValueError listing the twins if there is none."""
    if demo_id not in TWINS:
        raise ValueError(f"no at-scale twin for {demo_id!r}; twins exist for {sorted(TWINS)}")
    return importlib.import_module(f"{__name__}.{TWINS[demo_id]}")
