"""The Python the browser runs, declared once: the library, the checkers and the runner.

Every demo, in the page (python.zip, hooks/python_zip.py), at build time (the cache key of
the demo runs, demos/build_runs.py) and in the companion notebooks (the wheel JupyterLite
installs, hooks/companion_notebooks.py), runs on exactly these files, so every tool that
ships, hashes or copies them reads this list. The CI cache of the demo runs hashes the
folders that hold them (.github/workflows/ci.yml). ``pyproject.toml``'s packages hold them
too, and every book module a listed file imports is listed (tests/demos/test_shipped.py).

``pycore/data/`` (the trained models' weights) is not Python: the site serves it beside the
archive, fetched on a first read (``pycore.pretrained.fetch_missing_data``).
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Folders shipped whole (their Python and data files, never bytecode caches).
TREES = ("pycore", "exercises")
# From demos/: what runs a demo and the plumbing demos share; never the demo files.
RUNNER_FILES = ("demos/__init__.py", "demos/browser.py", "demos/helpers.py", "demos/params.py",
                "demos/runner.py", "demos/sandbox.py", "demos/stream.py")
DATA_TREE = "pycore/data"


def shipped_files(root=ROOT, *, data=False):
    """Sorted repository-relative paths (str, POSIX) of the files the browser runs.

    Parameters
    ----------
    root : Path
        The repository (a copy of it in tests).
    data : bool
        Also list ``pycore/data/``'s files (the wheel ships them; python.zip does not).

    Raises
    ------
    FileNotFoundError
        If ``pycore/__init__.py`` or a file of ``RUNNER_FILES`` is missing under ``root``.
    """
    root = Path(root)
    names = []
    for tree in TREES:
        for path in (root / tree).rglob("*"):
            name = path.relative_to(root).as_posix()
            if (path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
                    and (data or not name.startswith(DATA_TREE + "/"))):
                names.append(name)
    for name in ("pycore/__init__.py",) + RUNNER_FILES:
        if not (root / name).is_file():
            raise FileNotFoundError(f"{name} is missing under {root}: the browser runtime needs it")
    names.extend(RUNNER_FILES)
    return sorted(names)
