"""The companion notebooks' JupyterLite, from the built site, with no other origin.

- it lists every notebook;
- chapters' notebooks and the exercises notebook run all their cells on the site's own
  Pyodide 0.27.7 (NumPy, pycore from the site's wheel, the shipped models' data, the figures,
  a figure updated in place while it trains), in a Chromium that cannot resolve any host but
  127.0.0.1, and no request goes to another origin.
"""
import json
import re
import time

import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS
from server import serve

from notebooks import generate

# Notebook -> text its outputs must hold, as in CPython. 04: the central chapter, figures of
# every kind; 12/train_tiny (a demo's own notebook, as "Open in notebook" opens it): a loss
# curve shown again and again under one key as it trains; 13: the
# shipped models' data fetched from the site; the exercises notebook (checkers).
NOTEBOOKS = {
    "04-attention.ipynb": ("Step 3  softmax over each row:", "row sums: [1. 1. 1.]"),
    "demos/12-train_tiny.ipynb": ("lm_tiny on the same validation text",),
    "13-engineering.ipynb": (),
    "exercises-notebook.ipynb": (),
}
KERNEL_TIMEOUT_MS = 300_000
# Waits poll on a timer, not every animation frame (Playwright's default): polled every frame,
# JupyterLab's Vega renderer throws "value.then is not a function" and leaves the figure cells
# running for ever (measured: 4 of chapter 04's 8 cells); polled every 500 ms, or with no
# polling at all, as a reader's browser runs it, every cell finishes.
POLL_MS = 500
# Notebooks whose figures are shown again under one key: how many figures each shows in all.
KEYED_FIGURES = {"demos/12-train_tiny.ipynb": 1}
VEGA_OUTPUTS = "() => document.querySelectorAll('.jp-OutputArea-output .vega-embed').length"
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
def lite_url(built_site):
    """The site as GitHub Pages serves JupyterLite: no COOP/COEP headers.

    (The chapter pages get isolation from coi-serviceworker; JupyterLite's own service worker
    takes ``lite/`` over. Cross-origin isolated, JupyterLite 0.6's kernel bridge sometimes
    leaves figure cells running for ever ("value.then is not a function", in its coincident
    library), which is why the notebooks are not tested that way.)
    """
    with serve(built_site, isolated=False) as url:
        yield url


@pytest.fixture(scope="module")
def offline_browser(browser):
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
    yield chromium
    chromium.close()


def run_all_cells(page):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_runs_every_cell_offline(offline_browser, built_site, lite_url, name):
    notebook = json.loads((built_site / "lite" / "files" / name).read_text("utf-8"))
    n_code = sum(cell["cell_type"] == "code" for cell in notebook["cells"])
    shows_figures = any("pc.figures.show" in "".join(cell["source"])
                        for cell in notebook["cells"] if cell["cell_type"] == "code")
    context = offline_browser.new_context()
    foreign, record = _recorder(lite_url)
    context.on("request", record)
    page = context.new_page()
    try:
        # The chapter page's link: the notebook opened in JupyterLite's notebook view.
        start = time.perf_counter()
        page.goto(f"{lite_url.rstrip('/')}/lite/notebooks/index.html?path={name}")
        page.wait_for_function(f"() => ({PROMPTS})().length === {n_code}", timeout=60_000,
                               polling=POLL_MS)
        run_all_cells(page)
        # The set-up cell (kernel start, then pycore installed from the site's wheel).
        page.wait_for_function(f"() => /^\\[\\d+\\]:$/.test(({PROMPTS})()[0])",
                               timeout=KERNEL_TIMEOUT_MS, polling=POLL_MS)
        ready = time.perf_counter() - start
        # Done: no cell queued or running (after a failure, the queued cells are cleared).
        # (A figure that never finishes drawing blocks the page: this wait then times out.)
        page.wait_for_function(f"() => !({PROMPTS})().includes('[*]:')",
                               timeout=KERNEL_TIMEOUT_MS, polling=POLL_MS)
        outputs = page.evaluate(OUTPUTS)
        text = "\n".join(content for _, content in outputs)
        assert "Traceback" not in text, f"a cell failed:\n{text[-3000:]}"
        for expected in NOTEBOOKS[name]:
            assert expected in text, f"{expected!r} is not in the outputs:\n{text[:3000]}"
        figures = page.evaluate(FIGURES)
        if shows_figures:
            assert figures, f"no figure was displayed; outputs: {[m for m, _ in outputs]}"
        if name in KEYED_FIGURES:  # each update replaced its display; none was appended
            assert page.evaluate(VEGA_OUTPUTS) == KEYED_FIGURES[name]
        assert sorted(page.evaluate(PROMPTS)) == sorted(f"[{n}]:" for n in range(1, n_code + 1))
        assert not foreign, f"the notebook fetched from other origins: {foreign}"
        print(f"\n{name}: set-up cell done {ready:.1f} s after opening; "
              f"{figures} figures displayed")
    finally:
        context.close()
