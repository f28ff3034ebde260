"""MkDocs hook: ship the Python the browser needs as ``<site>/assets/build/python.zip``.

The worker (web/worker.js) fetches this archive and unpacks it onto Pyodide's ``sys.path``,
so every page runs the same ``pycore``, demo runner and exercise checkers that the build and
the tests use. Contents: ``pycore/`` (sources and any data files), ``demos/__init__.py``,
``demos/runner.py``, ``demos/params.py``, ``demos/sandbox.py``, ``demos/stream.py`` and
``exercises/``; never bytecode caches. The archive
is deterministic (sorted names, fixed timestamps), so an unchanged library gives the same bytes.
"""
import zipfile
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
TREES = ("pycore", "exercises")
SINGLE_FILES = ("demos/__init__.py", "demos/runner.py", "demos/params.py", "demos/sandbox.py",
                "demos/stream.py")
ZIP_URI = "assets/build/python.zip"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def archive_members(root=ROOT):
    """Sorted repository-relative paths (str, POSIX) that go into python.zip."""
    members = []
    for tree in TREES:
        for path in (root / tree).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                members.append(path.relative_to(root).as_posix())
    for name in SINGLE_FILES:
        if not (root / name).is_file():
            raise PluginError(f"{name} is missing: python.zip needs it for the browser runtime")
        members.append(name)
    if "pycore/__init__.py" not in members:
        raise PluginError("pycore/__init__.py is missing: nothing to ship to the browser")
    return sorted(members)


def write_python_zip(target, root=ROOT):
    """Write the archive to ``target`` (a Path); returns the member names."""
    members = archive_members(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(str(target), "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in members:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (root / name).read_bytes())
    return members


def on_post_build(config):
    write_python_zip(Path(config["site_dir"]) / ZIP_URI)
