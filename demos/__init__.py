"""Demo files (one folder per chapter) and the tools that run them.

A demo's id is its path under this folder without ``.py``: ``demos/04/worked_example.py``
is ``04/worked_example``. The same file is rendered in the page, run by pytest and in the
browser, and turned into a notebook cell (see CONTRIBUTING.md, "The demo contract").
"""
from pathlib import Path

DEMO_ROOT = Path(__file__).resolve().parent


def demo_path(demo_id):
    """Path of the demo file for ``demo_id`` such as ``"04/worked_example"``."""
    path = DEMO_ROOT / (demo_id + ".py")
    if not path.is_file():
        raise ValueError(f"unknown demo {demo_id!r}: no file {path}")
    return path


def all_demo_ids():
    """Ids of every demo file, sorted (chapter folders are two-digit numbers)."""
    return sorted(
        f"{path.parent.name}/{path.stem}"
        for path in DEMO_ROOT.glob("[0-9][0-9]/*.py")
        if not path.name.startswith("_")
    )
