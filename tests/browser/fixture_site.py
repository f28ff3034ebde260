"""A tiny static site that follows the demo DOM contract (CONTRIBUTING.md).

It lets the runtime be tested without the MkDocs build: pages are rendered here from the
fixture demos with the same markup ``hooks/demo_macros.py`` produces, next to the bundle from
``npm run build`` and a ``python.zip`` holding what the worker imports.
"""
from __future__ import annotations

import html
import json
import shutil
import zipfile
from pathlib import Path

from demos.params import parse_params
from demos.runner import run_demo_file
from demos.shipped import shipped_files
from hooks import demo_macros as demos_hook  # the build's own figure markup (spec + SVG)
from hooks import runtime_bytecode

REPO = Path(__file__).resolve().parents[2]
FIXTURE_DEMOS = Path(__file__).resolve().parent / "fixtures" / "demos"
PAGES = {"index.html": ["numbers", "exercise"], "second.html": ["numbers", "figure"],
         "charts.html": ["numbers", "chart"]}


def demo_markup(demo_id: str, path: Path) -> str:
    """The server-side markup of one demo, with its build-time (CPython) output."""
    source = path.read_text(encoding="utf-8")
    outcome = run_demo_file(path)
    meta = {"id": demo_id, "params": parse_params(source), "result": outcome["result"]}
    slug = demo_id.replace("/", "-")
    figures = "".join(
        demos_hook.render_figure(spec, f"itt-fig-{slug}-{index + 1}")
        for index, spec in enumerate(outcome["figures"])
    ) + "".join(
        demos_hook.render_image(image, index + 1) for index, image in enumerate(outcome["images"])
    )
    meta_json = json.dumps(meta).replace("</", "<\\/")
    return (
        f'<div class="itt-demo" data-demo="{html.escape(demo_id)}">'
        f'<template class="itt-demo-meta">{meta_json}</template>'
        f'<pre class="itt-demo-source"><code class="language-python">{html.escape(source)}'
        "</code></pre>"
        '<div class="itt-demo-output" data-demo-output aria-live="polite">'
        '<div class="itt-demo-static" data-build-output>'
        '<p class="itt-demo-note">Output computed at build time (CPython)</p>'
        f"<pre>{html.escape(outcome['stdout'])}</pre>{figures}</div></div></div>"
    )


def page_markup(title: str, demo_names: list[str]) -> str:
    config = {
        "pyodideBase": "/assets/build/pyodide/",
        "pythonZip": "/assets/build/python.zip",
        "workerUrl": "/assets/build/itt-worker.js",
    }
    demos = "\n".join(
        f"<h2>Demo {name}</h2>\n" + demo_markup(f"fixture/{name}", FIXTURE_DEMOS / f"{name}.py")
        for name in demo_names
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<title>{title}</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/theme.css">'
        '<link rel="stylesheet" href="/assets/build/itt.css"></head>'
        '<body data-md-color-scheme="default"><main>'
        f"<h1>{title}</h1><p>Readable text before Python starts.</p>{demos}"
        '<p><a href="/second.html">second page</a></p></main>'
        f'<script id="itt-config" type="application/json">{json.dumps(config)}</script>'
        '<script src="/assets/build/itt.js"></script></body></html>'
    )


def write_python_zip(target: Path) -> None:
    """Zip what the worker imports: the files python.zip ships (demos/shipped.py), no caches."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in shipped_files(REPO):
            archive.write(REPO / name, name)


def build_fixture_site(target: Path) -> Path:
    """Write the fixture site into ``target`` (needs ``npm run build`` done first)."""
    build = REPO / "docs" / "assets" / "build"
    if not (build / "itt.js").exists():
        raise FileNotFoundError(f"{build / 'itt.js'} is missing: run `npm run build` first")
    assets = target / "assets" / "build"
    shutil.copytree(build, assets, dirs_exist_ok=True)
    # Pyodide as the site ships it (with bytecode, hooks/runtime_bytecode.py).
    runtime_bytecode.rewrite_site_packages(build / "pyodide", assets / "pyodide")
    write_python_zip(assets / "python.zip")
    shutil.copy(REPO / "docs" / "stylesheets" / "theme.css", target / "theme.css")
    for name, demo_names in PAGES.items():
        page = demos_hook.link_static_figures(page_markup(name, demo_names),
                                              f"/{demos_hook.STATIC_URI}/")
        (target / name).write_text(page, encoding="utf-8")
    figures = target / demos_hook.STATIC_URI
    figures.mkdir(parents=True, exist_ok=True)
    for name, svg in demos_hook.static_figure_files().items():
        (figures / name).write_text(svg, encoding="utf-8")
    return target
