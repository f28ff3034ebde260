"""Isolation and notebook benchmark: what coi-serviceworker and the offline notebooks cost.

On a local static server, headless Chromium, fresh browser contexts (empty cache):

- **no-header host, first visit** (GitHub Pages' case): the site served without COOP/COEP;
  ``first_load_s`` is the time to the first document's ``load``, ``isolated_s`` the time
  until ``crossOriginIsolated`` is true (coi-serviceworker registered, page reloaded), and
  ``extra_reload_s`` their difference: what the first visit pays for isolation. The same
  chapter's ``load`` with the headers sent by the server is given for comparison, and
  whether a second visit in the same context is isolated at once;
- **notebook**: the exercises notebook opened in the built JupyterLite, Run All
  clicked as soon as its cells show; ``setup_done_s`` is when the set-up cell (kernel start
  on the site's Pyodide 0.27.7, then pycore installed from the site's wheel) has finished,
  which is when the kernel is ready for the reader's cells, ``all_cells_s`` when every cell
  has; and the bytes JupyterLite adds to the built site (``lite/``, of which
  ``lite/pyodide/``).

Writes ``bench/results/isolation.json``.

    .venv/bin/python bench/bench_isolation.py --site /tmp/site    # a built site
    .venv/bin/python bench/bench_isolation.py                     # builds it with mkdocs first
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# What the results JSON records as its maker (committed results name their script).
GENERATED_BY = "bench/bench_isolation.py"
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO))

from helpers import launch_chromium  # noqa: E402
from server import free_port, serve  # noqa: E402
from test_jupyterlite import PROMPTS, run_all_cells  # noqa: E402

CHAPTER = "chapters/04-attention/"
# The exercises notebook: its set-up cell is the chapters' (kernel start, pycore installed)
# and it has no figure, so it also times all cells without the figures' drawing.
NOTEBOOK = "exercises-notebook.ipynb"
NUMBERED = r"/^\[\d+\]:$/"
ALL_CELLS_TIMEOUT_MS = 120_000


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def first_visit(browser, url: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(f"{url}/{CHAPTER}", wait_until="load")
        first_load = time.perf_counter() - start
        while True:
            try:
                if page.evaluate("window.crossOriginIsolated === true"):
                    break
            except Exception:  # noqa: BLE001 - the reload destroys the context
                pass
            if time.perf_counter() - start > 60:
                raise RuntimeError("the page never became cross-origin isolated")
            page.wait_for_timeout(20)
        isolated = time.perf_counter() - start
        second = context.new_page()
        second.goto(f"{url}/{CHAPTER}", wait_until="load")
        second_isolated = second.evaluate("window.crossOriginIsolated")
        return {"first_load_s": first_load, "isolated_s": isolated,
                "extra_reload_s": isolated - first_load,
                "second_visit_isolated_at_once": second_isolated}
    finally:
        context.close()


def with_headers(browser, url: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(f"{url}/{CHAPTER}", wait_until="load")
        assert page.evaluate("window.crossOriginIsolated") is True
        return time.perf_counter() - start
    finally:
        context.close()


def notebook(browser, url: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(f"{url}/lite/notebooks/index.html?path={NOTEBOOK}")
        page.wait_for_function(f"() => ({PROMPTS})().length > 1", timeout=120_000)
        run_all_cells(page)
        page.wait_for_function(f"() => {NUMBERED}.test(({PROMPTS})()[0])", timeout=600_000)
        setup_done = time.perf_counter() - start
        try:
            page.wait_for_function(f"() => ({PROMPTS})().every(p => {NUMBERED}.test(p))",
                                   timeout=ALL_CELLS_TIMEOUT_MS)
            all_cells = time.perf_counter() - start
        except Exception:  # noqa: BLE001 - recorded as not finished, not a crash
            all_cells = None
        return {"setup_done_s": setup_done, "all_cells_s": all_cells}
    finally:
        context.close()


def build_site(target: Path) -> None:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
                   "SITE_URL": f"http://127.0.0.1:{free_port()}/"}
    subprocess.run([str(REPO / ".venv" / "bin" / "mkdocs"), "build", "-q", "-d", str(target)],
                   cwd=REPO, check=True, env=environment)


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--loads", type=int, default=5, help="first visits (median)")
    parser.add_argument("--notebook-loads", type=int, default=2, help="notebook opens (median)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "isolation.json")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        site = args.site
        if site is None:
            site = Path(scratch) / "site"
            build_site(site)
        with serve(site, isolated=False) as plain, serve(site, isolated=True) as isolated, \
                sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            visits, headers, notebooks = [], [], []
            for _ in range(args.loads):  # interleaved, so the machine's load hits both alike
                visits.append(first_visit(browser, plain))
                headers.append(with_headers(browser, isolated))
                print("first visit", visits[-1], "with headers", headers[-1], flush=True)
            for _ in range(args.notebook_loads):
                notebooks.append(notebook(browser, plain))
                print("notebook", notebooks[-1], flush=True)
            browser.close()
        lite = site / "lite"
        result = {
            "generated_by": GENERATED_BY,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                       f"load average {os.getloadavg()[0]:.1f} at the end",
            "no_header_first_visit": {
                "loads": args.loads,
                "first_load_s": median(visits, "first_load_s"),
                "isolated_s": median(visits, "isolated_s"),
                "extra_reload_s": median(visits, "extra_reload_s"),
                "second_visit_isolated_at_once": all(v["second_visit_isolated_at_once"]
                                                     for v in visits),
                "with_headers_load_s": statistics.median(headers),
            },
            "notebook": {
                "notebook": NOTEBOOK,
                "opens": args.notebook_loads,
                "setup_done_s": median(notebooks, "setup_done_s"),
                # null: some cell had not finished after ALL_CELLS_TIMEOUT_MS.
                "all_cells_s": None if any(n["all_cells_s"] is None for n in notebooks)
                else median(notebooks, "all_cells_s"),
                "lite_bytes": folder_bytes(lite),
                "lite_pyodide_bytes": folder_bytes(lite / "pyodide"),
            },
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
