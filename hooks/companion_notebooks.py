"""MkDocs hook: the companion notebooks and their JupyterLite, built with the site.

- Each chapter page that embeds demos gets a "Companion notebook" box under its title, with
  a download link to its generated ``.ipynb`` and an "Open as notebook" link into JupyterLite.
- After the build, ``notebooks/generate.py`` writes the notebooks into ``<site>/notebooks/``,
  and JupyterLite (``jupyterlite-core`` + ``jupyterlite-pyodide-kernel``) is built into
  ``<site>/lite/`` holding those notebooks and a wheel of this project, so ``pycore`` installs
  in the kernel with ``piplite``. The JupyterLite build is cached in ``.cache/lite/`` by the
  hash of its inputs, since it is the slow part (seconds) of a rebuild.

Settings (``mkdocs.yml``, ``extra.notebooks``): ``jupyterlite: false`` skips JupyterLite
(the notebooks are still written).
"""
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from notebooks import generate  # noqa: E402

LITE_CACHE = ROOT / ".cache" / "lite"
# Inputs of the JupyterLite build besides the notebooks: what goes into the wheel.
WHEEL_GLOBS = ("pycore/**/*", "exercises/**/*", "demos/*.py", "pyproject.toml")

BOX = """\
??? info "Companion notebook: this chapter's demos in Jupyter"
    <a href="{prefix}notebooks/{name}" download>Download {name}</a> to run it locally, or
    <a href="{prefix}lite/lab/index.html?path={name}">open it in JupyterLite</a>, Jupyter in
    your browser. JupyterLite's interface works offline, but its Python kernel fetches
    Pyodide and NumPy from a CDN, so running the notebook there needs a connection. The demos
    on this page need none: they run on the copy of Python this site ships.

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


def _inputs_hash(notebook_dir):
    digest = hashlib.sha256()
    for path in sorted(Path(notebook_dir).glob("*.ipynb")):
        digest.update(path.name.encode() + path.read_bytes())
    for pattern in WHEEL_GLOBS:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:24]


def _run(command, what, cwd=None):
    finished = subprocess.run(command, cwd=cwd or str(ROOT), capture_output=True, text=True)
    if finished.returncode != 0:
        raise PluginError(f"{what} failed ({' '.join(command)}):\n{finished.stderr[-3000:]}")


def build_jupyterlite(notebook_dir, out_dir):
    """Build JupyterLite with the notebooks and this project's wheel into ``out_dir``."""
    cached = LITE_CACHE / _inputs_hash(notebook_dir)
    if not (cached / "index.html").is_file():
        jupyter = Path(sys.executable).with_name("jupyter")
        if not jupyter.exists():
            raise PluginError("JupyterLite is not installed: run `bash scripts/setup.sh` "
                              "(or set extra.notebooks.jupyterlite: false)")
        with tempfile.TemporaryDirectory() as scratch:
            # Built from a copy, so setuptools' build/ folder never lands in the source tree
            # (two builds at once would otherwise collide there).
            source = Path(scratch) / "source"
            for pattern in WHEEL_GLOBS + ("README.md",):
                for path in ROOT.glob(pattern):
                    if path.is_file() and "__pycache__" not in path.parts:
                        target = source / path.relative_to(ROOT)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, target)
            wheels = Path(scratch) / "wheels"
            _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                  "--no-build-isolation", "-w", str(wheels), str(source)], "building the wheel",
                 cwd=str(source))
            staging = Path(scratch) / "lite"
            _run([str(jupyter), "lite", "build", "--contents", str(notebook_dir),
                  "--piplite-wheels", str(next(wheels.glob("*.whl"))),
                  "--lite-dir", scratch, "--output-dir", str(staging)], "jupyter lite build",
                 cwd=scratch)
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
