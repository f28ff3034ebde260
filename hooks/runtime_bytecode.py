"""MkDocs hook: the site's Pyodide starts from bytecode, and its NumPy without its test suite.

Pyodide 0.17.1 ships Python sources and no bytecode, so every cold page load compiled the
standard-library modules Pyodide imports as it starts, then NumPy's modules and those they
import: about 1 s of the worker's start on a 2-core machine, before the first
``import numpy`` returned. This hook rewrites the site's copies of two of Pyodide's data
packages (``assets/build/pyodide/``, copied from npm by ``npm run build``):

- ``pyodide.asm`` (the standard library; its loader is part of ``pyodide.asm.js``): each
  module in :data:`PYTHON_MODULES` gets its ``__pycache__/<name>.cpython-38.pyc``;
- ``numpy``: every NumPy module a browser can import gets its ``.pyc``; NumPy's test suites
  (``*/tests/``), C headers and static C library, and its build tools (``numpy.distutils``,
  ``numpy.f2py`` and the ``setup.py`` files, which compile C and Fortran extensions) are left
  out: nothing in a browser can use them, and they were 3 of the package's 8.7 MB.

The bytecode is compiled by Python 3.8 (the version of Pyodide 0.17.1's CPython) and is
hash-checked, like python.zip's (hooks/python_zip.py): Python reads the source too, and
compiles it as before if the two ever differ. Both packages' chunks are recompressed with
LZ4's high-compression mode: the same format, read by the same loader. Without a Python 3.8
(``hooks/python_zip.py`` says where it is looked for) the packages are rewritten without
bytecode, and imports compile as before. The result is cached in ``.cache/runtime/`` by the
hash of its inputs.
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
from hooks.python_zip import compiled, usable_python  # noqa: E402

PYODIDE_URI = "assets/build/pyodide"
CORE, NUMPY = "pyodide.asm", "numpy"
REWRITTEN = (f"{CORE}.js", f"{CORE}.data", f"{NUMPY}.js", f"{NUMPY}.data")
CACHE = ROOT / ".cache" / "runtime"
LIBRARY = "/lib/python3.8/"
SITE_PACKAGES = f"{LIBRARY}site-packages/"
# The modules of pyodide.asm (under /lib/python3.8/) that a page imports: those Pyodide
# imports as it starts, then those that `import numpy` and the worker's start
# (demos/browser.py: pycore, the sandbox, the runner) import. importlib's own modules are
# frozen into the interpreter and need none. tests/browser/test_runtime.py checks, in the
# page, that none is missing.
PYTHON_MODULES = (
    "__future__", "_collections_abc", "_compat_pickle", "_compression", "_sitebuiltins",
    "_weakrefset", "abc", "argparse", "ast", "asyncio/__init__", "asyncio/base_events",
    "asyncio/base_futures", "asyncio/base_subprocess", "asyncio/base_tasks",
    "asyncio/constants", "asyncio/coroutines", "asyncio/events", "asyncio/exceptions",
    "asyncio/format_helpers", "asyncio/futures", "asyncio/locks", "asyncio/log",
    "asyncio/protocols", "asyncio/queues", "asyncio/runners", "asyncio/selector_events",
    "asyncio/sslproto", "asyncio/staggered", "asyncio/streams", "asyncio/subprocess",
    "asyncio/tasks", "asyncio/transports", "asyncio/trsock", "asyncio/unix_events", "base64",
    "bisect", "bz2", "codecs", "collections/__init__", "collections/abc", "concurrent/__init__",
    "concurrent/futures/__init__", "concurrent/futures/_base", "contextlib", "contextvars",
    "copy", "copyreg", "dataclasses", "datetime", "decimal", "difflib", "dis",
    "encodings/__init__", "encodings/aliases", "encodings/cp437", "encodings/latin_1",
    "encodings/utf_8", "enum", "fnmatch", "functools", "genericpath", "gettext", "hashlib",
    "heapq", "hmac", "importlib/__init__", "importlib/abc", "importlib/machinery",
    "importlib/util", "inspect", "io", "json/__init__", "json/decoder", "json/encoder",
    "json/scanner", "keyword", "linecache", "locale", "logging/__init__", "ntpath", "numbers",
    "opcode", "operator", "os", "pathlib", "pickle", "pkgutil", "platform", "posixpath",
    "pprint", "random", "re", "reprlib", "secrets", "selectors", "shutil", "signal",
    "site-packages/_pyodide/__init__", "site-packages/_pyodide/_core",
    "site-packages/_pyodide/docstring", "site-packages/pyodide/__init__",
    "site-packages/pyodide/_base", "site-packages/pyodide/_core",
    "site-packages/pyodide/_importhooks", "site-packages/pyodide/_state",
    "site-packages/pyodide/webloop", "site", "socket", "sre_compile", "sre_constants",
    "sre_parse", "stat", "string", "struct", "subprocess", "tempfile", "textwrap", "threading",
    "token", "tokenize", "traceback", "types", "typing", "unittest/__init__",
    "unittest/async_case", "unittest/case", "unittest/loader", "unittest/main",
    "unittest/result", "unittest/runner", "unittest/signals", "unittest/suite",
    "unittest/util", "urllib/__init__", "urllib/parse", "warnings", "weakref", "zipfile",
)


# NumPy's build tools (compiling C and Fortran extensions, which no browser can): numpy's
# own modules never import them but to build or test NumPy.
BUILD_TOOLS = ("numpy/distutils/", "numpy/f2py/")
BUILD_FILES = ("/setup.py", "/setup_common.py", "/conftest.py")


def browser_needs(path):
    """Whether NumPy's file ``path`` (absolute, in the package) is of use in a browser: not
    its test suites, C headers and static library, build tools (with the ``f2py`` command)
    and their setup scripts, or the list of its source files."""
    if not path.startswith(SITE_PACKAGES):
        return path != "/bin/f2py3.8"
    relative = path[len(SITE_PACKAGES):]
    return not ("/tests/" in relative or relative.startswith("numpy/core/include/")
                or relative.startswith(BUILD_TOOLS) or relative.endswith(BUILD_FILES)
                or relative.endswith((".a", ".egg-info/SOURCES.txt")))


def needs_bytecode(path):
    """Whether NumPy's file ``path`` is a module a page may import."""
    return path.startswith(SITE_PACKAGES) and path.endswith(".py") and browser_needs(path)


def rewritten_core(loader, data):
    """(``.js`` text, ``.data`` bytes) of the standard library's package, with the bytecode
    of :data:`PYTHON_MODULES`. ``loader`` is ``pyodide.asm.js``, ``data`` its package."""
    files = read_package(loader, data)
    sources = {}
    for module in PYTHON_MODULES:
        path = f"{LIBRARY}{module}.py"
        if path not in files:
            raise KeyError(f"{path} is not in Pyodide's standard library")
        sources[path] = files[path]
    files.update(compiled(sources))
    return write_package(loader, files)


def rewritten_numpy(loader, data):
    """(``.js`` text, ``.data`` bytes) of NumPy's package as the site ships it."""
    files = {path: content for path, content in read_package(loader, data).items()
             if browser_needs(path)}
    files.update(compiled({path: content for path, content in files.items()
                           if needs_bytecode(path)}))
    return write_package(loader, files)


def _inputs_hash(paths):
    digest = hashlib.sha256()
    for path in [*paths, Path(__file__), ROOT / "hooks" / "pyodide_package.py",
                 ROOT / "hooks" / "python_zip.py", ROOT / "hooks" / "browser_compile.py"]:
        digest.update(path.read_bytes())
    digest.update(str(usable_python() is not None).encode())
    return digest.hexdigest()[:24]


def rewrite_site_packages(source_dir, target_dir):
    """Write the site's ``pyodide.asm.js``/``.data`` and ``numpy.js``/``.data`` into
    ``target_dir`` (a Path), made from the npm files in ``source_dir``; from the cache when
    the same inputs were rewritten before."""
    cached = CACHE / _inputs_hash([source_dir / name for name in REWRITTEN])
    if not all((cached / name).is_file() for name in REWRITTEN):
        CACHE.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=CACHE))
        try:
            for package, rewrite in ((CORE, rewritten_core), (NUMPY, rewritten_numpy)):
                loader, data = rewrite(
                    (source_dir / f"{package}.js").read_text(encoding="utf-8"),
                    (source_dir / f"{package}.data").read_bytes())
                (staging / f"{package}.js").write_text(loader, encoding="utf-8")
                (staging / f"{package}.data").write_bytes(data)
            if cached.exists():
                shutil.rmtree(cached)
            staging.replace(cached)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in REWRITTEN:
        shutil.copyfile(cached / name, target_dir / name)


def on_post_build(config):
    # From docs/ (what `npm run build` copied from npm), never from the site: a rebuild into
    # the same site must not rewrite an already rewritten package.
    source_dir = Path(config["docs_dir"]) / PYODIDE_URI
    if (source_dir / f"{NUMPY}.js").is_file():
        rewrite_site_packages(source_dir, Path(config["site_dir"]) / PYODIDE_URI)
