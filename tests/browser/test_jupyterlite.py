"""The companion notebooks' JupyterLite, from the built site, with no other origin.

- it lists every notebook;
- a chapter's notebook runs all its cells on the site's own Pyodide 0.27.7 (NumPy, pycore
  from the site's wheel, the figures), in a Chromium that cannot resolve any host but
  127.0.0.1, and no request goes to another origin.
"""
import json
import re
import time

import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS

from notebooks import generate

CHAPTER_NOTEBOOK = "04-attention.ipynb"
# Printed by the notebook's first demo (demos/04/worked_example.py), as in CPython.
EXPECTED_TEXT = ("Step 3  softmax over each row:", "row sums: [1. 1. 1.]")
KERNEL_TIMEOUT_MS = 300_000
# Any host but the test server's fails to resolve: a request that escapes the recording
# below (e.g. from a service worker) cannot reach a CDN either.
OFFLINE_ARGS = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
PROMPTS = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]" \
          ".map(e => e.textContent.trim())"
OUTPUTS = "() => [...document.querySelectorAll('.jp-OutputArea-output')]" \
          ".map(e => [e.getAttribute('data-mime-type') || '', e.textContent])"
# A displayed figure: JupyterLab's Vega renderer (for pycore.figures' Vega-Lite bundles) or
# an image (a Matplotlib PNG).
FIGURES = "() => document.querySelectorAll('.jp-OutputArea-output .vega-embed svg, " \
          ".jp-OutputArea-output .vega-embed canvas, .jp-OutputArea-output img').length"


def _recorder(site_url):
    foreign = []

    def record(request):
        if not request.url.startswith(("data:", "blob:", site_url.rstrip("/"))):
            foreign.append(request.url)
    return foreign, record


def test_jupyterlite_lists_the_notebooks_offline(browser, site_url):
    context = browser.new_context()
    foreign, record = _recorder(site_url)
    context.on("request", record)
    page = context.new_page()
    try:
        page.goto(f"{site_url.rstrip('/')}/lite/tree/index.html")
        expected = [generate.notebook_name(p) for p in generate.chapter_pages()]
        expected.append("exercises-notebook.ipynb")
        page.wait_for_function(
            "n => document.querySelectorAll('.jp-DirListing-itemText').length >= n",
            arg=len(expected), timeout=60_000,
        )
        listed = page.locator(".jp-DirListing-itemText").all_inner_texts()
        missing = [name for name in expected if name not in listed]
        assert not missing, f"JupyterLite does not list {missing}; it lists {listed}"
        assert not foreign, f"JupyterLite fetched from other origins: {foreign}"
    finally:
        context.close()


@pytest.fixture(scope="module")
def offline_browser(browser):
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
    yield chromium
    chromium.close()


def run_all_cells(page):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


@pytest.mark.slow
@pytest.mark.xfail(
    reason="known bug, issue 20 left open: after the kernel starts, chapter 04's notebook never "
    "finishes its figure cells in JupyterLite 0.6 (Vega-Lite 5.14 renderer); the figures render "
    "in the page and in nbclient. Runs every time, so a fix shows as XPASS.",
    strict=False,
)
def test_chapter_notebook_runs_every_cell_offline(offline_browser, built_site, site_url):
    notebook = json.loads((built_site / "lite" / "files" / CHAPTER_NOTEBOOK).read_text("utf-8"))
    n_code = sum(cell["cell_type"] == "code" for cell in notebook["cells"])
    context = offline_browser.new_context()
    foreign, record = _recorder(site_url)
    context.on("request", record)
    page = context.new_page()
    try:
        # The chapter page's link: the notebook opened in JupyterLite's notebook view.
        start = time.perf_counter()
        page.goto(f"{site_url.rstrip('/')}/lite/notebooks/index.html?path={CHAPTER_NOTEBOOK}")
        page.wait_for_function(f"() => ({PROMPTS})().length === {n_code}", timeout=60_000)
        run_all_cells(page)
        # The set-up cell (kernel start, then pycore installed from the site's wheel).
        page.wait_for_function(f"() => /^\\[\\d+\\]:$/.test(({PROMPTS})()[0])",
                               timeout=KERNEL_TIMEOUT_MS)
        ready = time.perf_counter() - start
        # Done: no cell queued or running (after a failure, the queued cells are cleared).
        # (A figure that never finishes drawing blocks the page: this wait then times out.)
        page.wait_for_function(f"() => !({PROMPTS})().includes('[*]:')",
                               timeout=KERNEL_TIMEOUT_MS)
        outputs = page.evaluate(OUTPUTS)
        text = "\n".join(content for _, content in outputs)
        assert "Traceback" not in text, f"a cell failed:\n{text[-3000:]}"
        for expected in EXPECTED_TEXT:
            assert expected in text, f"{expected!r} is not in the outputs:\n{text[:3000]}"
        figures = page.evaluate(FIGURES)
        assert figures, f"no figure was displayed; outputs: {[mime for mime, _ in outputs]}"
        assert sorted(page.evaluate(PROMPTS)) == sorted(f"[{n}]:" for n in range(1, n_code + 1))
        assert not foreign, f"the notebook fetched from other origins: {foreign}"
        print(f"\n{CHAPTER_NOTEBOOK}: set-up cell done {ready:.1f} s after opening; "
              f"{figures} figures displayed")
    finally:
        context.close()
