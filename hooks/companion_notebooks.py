"""MkDocs hook: the companion notebooks and their JupyterLite, built with the site.

- Each chapter page that embeds demos gets a one-line notebook notice under its title,
  linking its notebook opened in JupyterLite's notebook view and its ``.ipynb`` download.
- After the build, ``notebooks/generate.py`` writes the notebooks into ``<site>/notebooks/``,
  and JupyterLite (``jupyterlite-core`` + ``jupyterlite-pyodide-kernel`` 0.6, from the
  separate ``.venv-lite`` that ``scripts/setup.sh`` makes, since they pin an older
  ``jupyterlite-core`` than the docs venv would take) is built into ``<site>/lite/`` holding
  those notebooks and a wheel of this project, so ``pycore`` installs in the kernel with
  ``piplite``. Its kernel runs on the self-hosted, verified Pyodide 0.27.7 that
  ``notebooks/kernel_runtime.py`` assembles into ``<site>/lite/pyodide/``, with the PyPI
  fallback off: a notebook runs with no request leaving the site. The JupyterLite build is
  cached in ``.cache/lite/`` by the hash of its inputs, since it is the slow part of a rebuild.

Settings (``mkdocs.yml``, ``extra.notebooks``): ``jupyterlite: false`` skips JupyterLite
(the notebooks are still written).
"""
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demos.shipped import shipped_files  # noqa: E402
from notebooks import generate, kernel_runtime  # noqa: E402

LITE_CACHE = ROOT / ".cache" / "lite"
# The wheel's packaging files; its Python is what the browser runs (demos/shipped.py).
WHEEL_METADATA = ("pyproject.toml", "README.md")

LITE_VENV = ROOT / ".venv-lite"
# The apps the site links to (notebooks: one notebook; tree: the file list; lab and edit: the
# full interface); JupyterLite's REPL and consoles are left out.
LITE_APPS = ("lab", "notebooks", "tree", "edit")
# The kernel's settings in lite/jupyter-lite.json: the site's own Pyodide (a relative URL,
# which JupyterLite resolves against lite/) and no fallback to PyPI.
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
KERNEL_SETTINGS = {"pyodideUrl": "./pyodide/pyodide.js", "disablePyPIFallback": True}
# JupyterLab's default settings for the site's readers (lite/overrides.json): every cell of a
# notebook is rendered (no windowing), so the page's find and the browser tests see them all.
SETTINGS_OVERRIDES = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}

# One line on the page (Markdown joins the source lines): the notebook opened in JupyterLite's
# notebook view, and its download.
BOX = """\
!!! info ""
    **Companion notebook:** run this chapter's demos in Jupyter,
    <a href="{prefix}lite/notebooks/index.html?path={name}">open {name} in JupyterLite</a>
    (Python in your browser, no connection needed) or
    <a href="{prefix}notebooks/{name}" download>download it</a>.

"""


def _settings(config):
    return dict(config.get("extra", {}).get("notebooks", {}) or {})


def on_page_markdown(markdown, page, config, files):
    source = ROOT / "docs" / page.file.src_uri
    if source.parent.name != "chapters" or source not in generate.chapter_pages():
        return markdown
    depth = page.url.count("/")  # "chapters/04-attention/" -> 2 levels below the site root
    box = BOX.format(prefix="../" * depth, name=generate.notebook_name(source))
    # After the chapter's opening and objectives: just before its first section.
    lines = markdown.split("\n")
    first_section = next((i for i, line in enumerate(lines) if line.startswith("## ")),
                         len(lines))
    lines.insert(first_section, box)
    return "\n".join(lines)


def wheel_files():
    """Repository-relative paths (str) of what the notebooks' wheel is built from: the Python
    the browser runs, with the models' data (demos/shipped.py), and the packaging files."""
    return shipped_files(ROOT, data=True) + list(WHEEL_METADATA)


def _inputs_hash(notebook_dir, packages):
    """Hash of everything the JupyterLite build reads: notebooks, wheel sources, settings,
    the Pyodide packages chosen and the lock file that verifies them."""
    digest = hashlib.sha256()
    for path in sorted(Path(notebook_dir).rglob("*.ipynb")):  # demos/ holds each demo's own
        digest.update(str(path.relative_to(notebook_dir)).encode() + path.read_bytes())
    for name in wheel_files():
        digest.update(name.encode() + (ROOT / name).read_bytes())
    for path in (Path(__file__), Path(kernel_runtime.__file__),
                 kernel_runtime.NPM_PYODIDE / "pyodide-lock.json"):
        digest.update(path.read_bytes())
    digest.update(json.dumps([KERNEL_SETTINGS, SETTINGS_OVERRIDES, LITE_APPS, packages,
                              sorted(kernel_runtime.KERNEL_WHEELS.items())],
                             sort_keys=True).encode())
    return digest.hexdigest()[:24]


def _run(command, what, cwd=None):
    finished = subprocess.run(command, cwd=cwd or str(ROOT), capture_output=True, text=True)
    if finished.returncode != 0:
        raise PluginError(f"{what} failed ({' '.join(command)}):\n{finished.stderr[-3000:]}")


def _build_wheel(scratch):
    """This project's wheel, built from a copy of its sources (so setuptools' build/ folder
    never lands in the source tree, where two builds at once would collide)."""
    source = Path(scratch) / "source"
    for name in wheel_files():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    wheels = Path(scratch) / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
          "--no-build-isolation", "-w", str(wheels), str(source)], "building the wheel",
         cwd=str(source))
    return next(wheels.glob("*.whl"))


def _configure_kernel(config_path):
    """Add :data:`KERNEL_SETTINGS` to the built ``jupyter-lite.json``.

    Done after the build: given in the lite folder's ``jupyter-lite.json``, they are lost when
    the piplite add-on (0.6.1) writes its wheel index into the same plugin's settings.
    """
    config = json.loads(config_path.read_text(encoding="utf-8"))
    plugins = config["jupyter-config-data"].setdefault("litePluginSettings", {})
    plugins.setdefault(KERNEL_PLUGIN, {}).update(KERNEL_SETTINGS)
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True), encoding="utf-8")


def build_jupyterlite(notebook_dir, out_dir):
    """Build JupyterLite with the notebooks, this project's wheel and the verified Pyodide
    into ``out_dir``."""
    try:
        lock = kernel_runtime.official_lock()
        packages = kernel_runtime.needed_packages(
            lock, kernel_runtime.notebook_imports(notebook_dir))
        extra_wheels = kernel_runtime.kernel_wheels()
    except kernel_runtime.RuntimeMismatch as error:
        raise PluginError(str(error)) from error
    cached = LITE_CACHE / _inputs_hash(notebook_dir, packages)
    if not (cached / "index.html").is_file():
        jupyter = LITE_VENV / "bin" / "jupyter"
        if not jupyter.exists():
            raise PluginError("JupyterLite is not installed: run `bash scripts/setup.sh` "
                              "(or set extra.notebooks.jupyterlite: false)")
        with tempfile.TemporaryDirectory() as scratch:
            wheel = _build_wheel(scratch)
            lite_dir = Path(scratch) / "lite-dir"
            lite_dir.mkdir()
            (lite_dir / "overrides.json").write_text(json.dumps(SETTINGS_OVERRIDES),
                                                     encoding="utf-8")
            staging = Path(scratch) / "lite"
            apps = [argument for app in LITE_APPS for argument in ("--apps", app)]
            wheels = [argument for path in [wheel, *extra_wheels]
                      for argument in ("--piplite-wheels", str(path))]
            _run([str(jupyter), "lite", "build", "--contents", str(notebook_dir), *wheels, *apps,
                  "--no-sourcemaps", "--no-unused-shared-packages",
                  "--lite-dir", str(lite_dir), "--output-dir", str(staging)],
                 "jupyter lite build", cwd=str(lite_dir))
            _configure_kernel(staging / "jupyter-lite.json")
            try:
                kernel_runtime.assemble(staging / "pyodide", packages, lock=lock)
            except kernel_runtime.RuntimeMismatch as error:
                raise PluginError(f"the notebooks' Pyodide failed verification: {error}") \
                    from error
            if cached.exists():
                shutil.rmtree(cached)
            cached.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(staging, cached)
    if Path(out_dir).exists():
        shutil.rmtree(out_dir)
    shutil.copytree(cached, out_dir)


def on_post_build(config):
    site_dir = Path(config["site_dir"])
    notebook_dir = site_dir / "notebooks"
    generate.write_notebooks(notebook_dir)
    if _settings(config).get("jupyterlite", True):
        build_jupyterlite(notebook_dir, site_dir / "lite")
