"""MkDocs hook: ship the Python the browser needs as ``<site>/assets/build/python.zip``.

The worker (web/worker.js) fetches this archive and unpacks it onto Pyodide's ``sys.path``,
so every page runs the same ``pycore``, demo runner and exercise checkers that the build and
the tests use. Contents: the files ``demos/shipped.py`` declares (``pycore/`` without its
data, ``exercises/``, the runner's files from ``demos/``); never this machine's bytecode
caches. The archive is deterministic (sorted names, fixed timestamps), so an
unchanged library gives the same bytes.

Bytecode for the browser's Python: where a Python 3.8 is found (``$ITT_BROWSER_PYTHON``, else
``python3.8`` on ``PATH``, else pyenv's; 3.8 is Pyodide 0.17.1's version, and its bytecode
format is the same across 3.8.x), every source is
also compiled by it into ``__pycache__/<name>.cpython-38.pyc`` (hash-checked, so no timestamp
matters and an edited source is recompiled; :func:`compiled`, which also compiles the site's
Pyodide packages, hooks/runtime_bytecode.py). Importing pycore from source costs the worker
about half a second of compiling on every page load. Without a Python 3.8 the archive holds
sources only and works the same, just slower to import.

``pycore/data/`` (the shipped models' weights, 1.2 MB, which few demos read) stays out of the
archive: its files are copied unchanged to ``<site>/assets/build/pycore-data/``, and the worker
fetches one the first time Python reads it (``pycore.pretrained.fetch_missing_data``), so a
page whose demos load no model never downloads them.
"""
import functools
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from mkdocs.exceptions import PluginError

from demos.shipped import DATA_TREE, shipped_files

ROOT = Path(__file__).resolve().parent.parent
ZIP_URI = "assets/build/python.zip"
DATA_URI = "assets/build/pycore-data"  # next to python.zip; web/worker.js derives it from there
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
BYTECODE_TAG = "cpython-38"  # Pyodide 0.17.1's CPython is 3.8
BROWSER_DIR = "/home/pyodide/itt"  # where the worker unpacks the archive (web/worker.js)


def browser_python():
    """The path (str) of a working Python 3.8, or None."""
    candidates = [os.environ.get("ITT_BROWSER_PYTHON"), shutil.which("python3.8")]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += [str(path) for path in sorted(pyenv_root.glob("versions/3.8*/bin/python3.8"))]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            finished = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                                      capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        if finished.returncode == 0 and finished.stdout.strip() == "(3, 8)":
            return candidate
    return None


def archive_members(root=ROOT):
    """Sorted repository-relative paths (str, POSIX) that go into python.zip."""
    try:
        return shipped_files(root)
    except FileNotFoundError as error:
        raise PluginError(str(error)) from None


def data_files(root=ROOT):
    """Sorted names (str) of the files in pycore/data/ that the site serves beside the archive."""
    return sorted(path.name for path in (root / DATA_TREE).iterdir() if path.is_file())


def write_data_files(target, root=ROOT):
    """Copy pycore/data/'s files into the folder ``target`` (a Path); returns their names."""
    names = data_files(root)
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        (target / name).write_bytes((root / DATA_TREE / name).read_bytes())
    return names


@functools.lru_cache(maxsize=None)
def usable_python():
    """:func:`browser_python`, looked for once per build."""
    return browser_python()


def pyc_path(source):
    """The browser's path of the .pyc of ``source`` (an absolute .py path)."""
    folder, _, name = source.rpartition("/")
    return f"{folder}/__pycache__/{name[:-3]}.{BYTECODE_TAG}.pyc"


def compiled(sources):
    """{absolute path of a .pyc: bytes} for ``sources`` ({absolute path in the browser of a
    .py: bytes}), compiled by Python 3.8 (hooks/browser_compile.py; each .pyc records its
    browser path, so the same sources give the same bytes on every machine); empty without
    one. A source that fails to compile fails the build."""
    python = usable_python()
    if python is None or not sources:
        return {}
    with tempfile.TemporaryDirectory() as scratch:
        triples = []
        for index, (path, content) in enumerate(sorted(sources.items())):
            source = Path(scratch, f"{index}.py")
            source.write_bytes(content)
            triples.append([str(source), str(Path(scratch, f"{index}.pyc")), path])
        listing = Path(scratch, "sources.json")
        listing.write_text(json.dumps(triples), encoding="utf-8")
        # A fixed hash seed: the order of a frozenset constant in the bytecode follows it.
        finished = subprocess.run([python, str(ROOT / "hooks" / "browser_compile.py"),
                                   str(listing)], capture_output=True, text=True,
                                  env={**os.environ, "PYTHONHASHSEED": "0"})
        if finished.returncode != 0:
            raise PluginError(f"Python 3.8 could not compile the browser's bytecode:\n"
                              f"{finished.stderr[-2000:]}")
        return {pyc_path(path): Path(pyc).read_bytes() for _, pyc, path in triples}


def browser_bytecode(members, root=ROOT):
    """{archive name of a .pyc: bytes} for the ``.py`` members, compiled by Python 3.8 as
    the files the worker unpacks them to (:data:`BROWSER_DIR`); empty without one."""
    sources = {f"{BROWSER_DIR}/{name}": (root / name).read_bytes()
               for name in members if name.endswith(".py")}
    return {pyc[len(BROWSER_DIR) + 1:]: content for pyc, content in compiled(sources).items()}


def write_python_zip(target, root=ROOT, bytecode=True):
    """Write the archive to ``target`` (a Path); returns the member names.

    ``bytecode=False`` leaves out the Python 3.8 bytecode even where it can be made.
    """
    members = archive_members(root)
    contents = {name: (root / name).read_bytes() for name in members}
    if bytecode:
        contents.update(browser_bytecode(members, root))
    members = sorted(contents)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Level 9: a few kB smaller than the default for the same decompression time.
    with zipfile.ZipFile(str(target), "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=9) as archive:
        for name in members:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, contents[name], compresslevel=9)
    return members


def on_post_build(config):
    write_python_zip(Path(config["site_dir"]) / ZIP_URI)
    write_data_files(Path(config["site_dir"]) / DATA_URI)
