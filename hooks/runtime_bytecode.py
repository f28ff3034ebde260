"""MkDocs hook: the site's NumPy for Pyodide comes with its bytecode, without its test suite.

Pyodide 0.17.1's packages hold Python sources and no bytecode, so every cold page load used
to compile NumPy's modules, and the standard-library modules they import, before the first
``import numpy`` returned: about 0.7 s of the worker's start on a 2-core machine. This hook
rewrites the site's copy of the package (``assets/build/pyodide/numpy.js`` and ``numpy.data``,
copied from npm by ``npm run build``):

- every NumPy module a browser can import (not NumPy's build tools, ``numpy.distutils``,
  ``numpy.f2py`` and the ``setup.py`` files), and each standard-library module in
  :data:`STDLIB_IMPORTS`, gets its ``__pycache__/<name>.cpython-38.pyc``, compiled by
  Python 3.8 (the version of Pyodide 0.17.1's CPython). Like python.zip's
  (hooks/python_zip.py), the bytecode is hash-checked: Python reads the source too and
  compiles it as before if the two ever differ;
- NumPy's test suites (``*/tests/``), its C headers and its static C library are left out.
  Nothing in a browser can use them, and they were 2 of the package's 8.7 MB;
- the chunks are recompressed with LZ4's high-compression mode: the same format, read by the
  same loader.

The standard library itself is in ``pyodide.asm.data``, which stays as npm ships it; the
bytecode of the modules NumPy and the worker import goes into this package, beside NumPy's,
so it arrives exactly when it is first needed. Without a Python 3.8 (``hooks/python_zip.py``
says where it is looked for) the package is rewritten without bytecode, and imports compile
as before. The result is cached in ``.cache/runtime/`` by the hash of its inputs.
"""
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hooks.pyodide_package import read_package, write_package  # noqa: E402
from hooks.python_zip import browser_bytecode, browser_python  # noqa: E402

PYODIDE_URI = "assets/build/pyodide"
PACKAGE = "numpy"
CACHE = ROOT / ".cache" / "runtime"
SITE_PACKAGES = "/lib/python3.8/site-packages/"
STDLIB = "/lib/python3.8/"
# The standard-library modules that `import numpy` and the worker's start (demos/browser.py:
# pycore, the sandbox, the runner) import, beyond those Pyodide has imported once it has
# started. tests/browser/test_runtime.py checks, in the page, that none is missing.
STDLIB_IMPORTS = (
    "__future__", "_compat_pickle", "_compression", "argparse", "base64", "bisect", "bz2",
    "copy", "dataclasses", "datetime", "decimal", "difflib", "encodings/cp437", "fnmatch",
    "gettext", "hashlib", "hmac", "json/__init__", "json/decoder", "json/encoder",
    "json/scanner", "locale", "ntpath", "numbers", "pathlib", "pickle", "pkgutil", "pprint",
    "random", "secrets", "shutil", "struct", "tempfile", "unittest/__init__",
    "unittest/async_case", "unittest/case", "unittest/loader", "unittest/main",
    "unittest/result", "unittest/runner", "unittest/signals", "unittest/suite",
    "unittest/util", "urllib/__init__", "urllib/parse", "zipfile",
)


def browser_needs(path):
    """Whether NumPy's file ``path`` (absolute, in the package) is of use in a browser."""
    relative = path[len(SITE_PACKAGES):]
    return not ("/tests/" in relative or relative.startswith("numpy/core/include/")
                or relative.endswith(".a"))


def needs_bytecode(path):
    """Whether the package's file ``path`` is a module a page may import (not a build tool)."""
    relative = path[len(SITE_PACKAGES):]
    build_tool = (relative.startswith(("numpy/distutils/", "numpy/f2py/"))
                  or relative.endswith(("/setup.py", "/conftest.py")))
    return path.startswith(SITE_PACKAGES) and path.endswith(".py") and not build_tool


def compiled(sources):
    """{absolute path of a .pyc: bytes} for ``sources`` ({absolute path of a .py: bytes}),
    compiled by Python 3.8; empty without one."""
    with tempfile.TemporaryDirectory() as scratch:
        for path, content in sources.items():
            target = Path(scratch + path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        bytecode = browser_bytecode([path.lstrip("/") for path in sources], root=Path(scratch))
    return {"/" + name: content for name, content in bytecode.items()}


def rewritten_package(loader, data, stdlib):
    """(``.js`` text, ``.data`` bytes) of NumPy's package as the site ships it.

    ``loader`` and ``data``: the package from npm; ``stdlib``: {absolute path: bytes} of the
    standard library (``pyodide.asm``'s package), where :data:`STDLIB_IMPORTS` are found.
    """
    files = {path: content for path, content in read_package(loader, data).items()
             if not path.startswith(SITE_PACKAGES) or browser_needs(path)}
    sources = {path: content for path, content in files.items() if needs_bytecode(path)}
    for module in STDLIB_IMPORTS:
        path = f"{STDLIB}{module}.py"
        if path not in stdlib:
            raise KeyError(f"{path} is not in Pyodide's standard library")
        sources[path] = stdlib[path]
    files.update(compiled(sources))
    return write_package(loader, files)


def _inputs_hash(paths):
    digest = hashlib.sha256()
    for path in [*paths, Path(__file__), ROOT / "hooks" / "pyodide_package.py",
                 ROOT / "hooks" / "python_zip.py"]:
        digest.update(path.read_bytes())
    digest.update(str(browser_python() is not None).encode())
    return digest.hexdigest()[:24]


def rewrite_site_package(source_dir, target_dir):
    """Write the site's ``numpy.js`` and ``numpy.data`` into ``target_dir`` (a Path), made from
    the npm files in ``source_dir``; from the cache when the same inputs were rewritten before."""
    loader, data = source_dir / f"{PACKAGE}.js", source_dir / f"{PACKAGE}.data"
    core_loader, core_data = source_dir / "pyodide.asm.js", source_dir / "pyodide.asm.data"
    cached = CACHE / _inputs_hash([loader, data, core_loader, core_data])
    if not (cached / f"{PACKAGE}.data").is_file():
        stdlib = read_package(core_loader.read_text(encoding="utf-8"), core_data.read_bytes())
        new_loader, new_data = rewritten_package(loader.read_text(encoding="utf-8"),
                                                 data.read_bytes(), stdlib)
        CACHE.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=CACHE))
        (staging / f"{PACKAGE}.js").write_text(new_loader, encoding="utf-8")
        (staging / f"{PACKAGE}.data").write_bytes(new_data)
        if cached.exists():
            shutil.rmtree(cached)
        staging.replace(cached)
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in (f"{PACKAGE}.js", f"{PACKAGE}.data"):
        shutil.copyfile(cached / name, target_dir / name)


def on_post_build(config):
    # From docs/ (what `npm run build` copied from npm), never from the site: a rebuild into
    # the same site must not rewrite an already rewritten package.
    source_dir = Path(config["docs_dir"]) / PYODIDE_URI
    if (source_dir / f"{PACKAGE}.js").is_file():
        rewrite_site_package(source_dir, Path(config["site_dir"]) / PYODIDE_URI)
