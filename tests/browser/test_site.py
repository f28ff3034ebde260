"""The built MkDocs site in Chromium: every page, every demo, instant navigation, axe.

One page object walks the whole site with Material's instant navigation, so Pyodide loads
once for the suite (which is also what proves the worker survives navigation); a separate
pass loads each page in full to catch errors that only happen on a fresh load.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from figure_checks import (
    assert_figures_close,
    figure_problems,
    live_figures,
    wait_for_live_figures,
    wait_until_drawn,
    wait_until_settled,
)
from helpers import (
    REPO,
    PageWatch,
    assert_close,
    click_link,
    demo_result,
    output_text,
    run_demo_in_page,
    wait_for_python_ready,
)
from mkdocs.config import load_config
from playwright.sync_api import expect

from demos.runner import run_demo_file

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def nav_pages():
    """Site paths of every page in mkdocs.yml's nav, in order ('' is the home page)."""
    config = load_config(str(REPO / "mkdocs.yml"))
    paths = []

    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                walk(value)
            elif isinstance(value, str) and value.endswith(".md"):
                path = value[: -len(".md")]
                if path == "index":
                    paths.append("")
                elif path.endswith("/index"):
                    paths.append(path[: -len("index")])
                else:
                    paths.append(f"{path}/")

    walk(config["nav"])
    return paths


PAGES = nav_pages()


@pytest.fixture(scope="module")
def walker(browser, site_url):
    """One page that moves between chapters by instant navigation."""
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch(page, site_url)
    page.goto(f"{site_url}/")
    page.wait_for_function("window.__ittRuntime !== undefined")
    page.evaluate("window.__ittWalkerMarker = true")
    yield page, watch, site_url
    watch.assert_clean()
    context.close()


def navigate(page, site_url, path):
    """Follow a link to `path` the way a reader does (Material intercepts it: no reload)."""
    target = f"/{path}"
    if page.evaluate("location.pathname") != target:
        # The address can change before the new content is in: the old article is marked, and
        # only a new one (with every demo enhanced) counts as arrived.
        page.evaluate("document.querySelector('article').ittLeft = true")
        click_link(page, f"{site_url}{target}")
    page.wait_for_function(
        "target => location.pathname === target && "
        "!document.querySelector('article').ittLeft && "
        "!document.querySelector('.itt-demo:not([data-demo-enhanced])')",
        arg=target,
        timeout=30_000,
    )
    reloaded = not page.evaluate("window.__ittWalkerMarker === true")
    assert not reloaded, f"navigation to {target} reloaded the page"


@pytest.mark.parametrize("path", PAGES)
def test_full_load_is_clean(browser, site_url, path):
    context = browser.new_context()
    try:
        page = context.new_page()
        watch = PageWatch(page, site_url)
        page.goto(f"{site_url}/{path}", wait_until="load")
        assert page.locator("article h1").count() >= 1, f"{path}: no heading"
        assert page.locator("article").inner_text().strip(), f"{path}: no readable text"
        demos = page.locator(".itt-demo")
        for index in range(demos.count()):
            root = demos.nth(index)
            for name in ("Run", "Stop", "Reset"):
                assert root.get_by_role("button", name=name, exact=True).count() == 1
        if demos.count():
            # Editors are built once Python is ready and the page quiet (web/lazy-editor.js);
            # until then their source is shown as text.
            wait_for_python_ready(page)
            for index in range(demos.count()):
                editor = demos.nth(index).locator(".itt-demo-editor")
                expect(editor.locator(".cm-editor")).to_have_count(1, timeout=30_000)
                expect(editor.locator("pre.itt-demo-source")).to_have_count(0)
            # The worker starts from the page's inline copy of its script (web/boot.js), and
            # the wasm it compiles early and the data it fetches early are Emscripten's too
            # (web/early-runtime.js).
            assert not [url for url in watch.requests if url.endswith("/itt-worker.js")]
            for name in ("pyodide.asm.wasm", "pyodide.asm.data"):
                fetched = [url for url in watch.requests if url.endswith(f"/{name}")]
                assert len(fetched) == 1, f"{path}: {name} was fetched {len(fetched)} times"
            assert page.evaluate("window.__ittRuntime.workerStarts") == 1
        page.wait_for_timeout(300)  # late console errors from the page's own scripts
        watch.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_demo_matches_cpython(walker, path):
    page, _, site_url = walker
    navigate(page, site_url, path)
    demos = page.locator(".itt-demo")
    for index in range(demos.count()):
        root = demos.nth(index)
        demo_id = root.get_attribute("data-demo")
        run_demo_in_page(page, root)
        assert root.get_attribute("data-demo-state") == "done", (
            f"{demo_id} failed in the browser:\n{output_text(root)}"
        )
        expected = run_demo_file(Path(REPO, "demos", f"{demo_id}.py"))
        assert expected["error"] is None, f"{demo_id} fails in CPython: {expected['error']}"
        assert_close(demo_result(root), expected["result"], f"{demo_id}.result")
        # A figure is numbers: the page's must equal CPython's, and be drawn.
        wait_for_live_figures(page, root)
        assert_figures_close(live_figures(root), expected["figures"], f"{demo_id}.figures")
        assert figure_problems(page, root) == [], demo_id


def test_instant_navigation_keeps_one_worker(walker):
    page, watch, site_url = walker
    chapters = [path for path in PAGES if path.startswith("chapters/")][:2]
    page.evaluate("window.__ittRuntime.start()")
    page.wait_for_function("window.__ittRuntime.status.state === 'ready'", timeout=60_000)
    for path in chapters:
        navigate(page, site_url, path)
    assert page.evaluate("window.__ittRuntime.workerStarts") == 1
    loads = [url for url in watch.requests if url.endswith("/pyodide.asm.wasm")]
    assert len(loads) == 1, f"Pyodide was fetched {len(loads)} times: {loads}"


def figure_pages(site):
    """Paths of the built pages that show a figure (pycore.figures)."""
    return [path for path in PAGES
            if 'class="itt-chart"' in (site / path / "index.html").read_text(encoding="utf-8")]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_figure_renders_readably(browser, built_site, site_url, width, scheme):
    """Light and dark, desktop and phone: every build-time figure is drawn with no console
    error, no text below 11 CSS px, nothing wider than its column, no opaque white box."""
    pages = figure_pages(built_site)
    assert "chapters/04-attention/" in pages and "chapters/01-big-picture/" in pages
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  is_mobile=width < 500, has_touch=width < 500)
    index = 0 if scheme == "light" else 1
    # Material restores the palette from localStorage before its first paint.
    context.add_init_script(
        "localStorage.setItem('/.__palette', JSON.stringify("
        f"{{index: {index}, color: {{scheme: '{'default' if index == 0 else 'slate'}'}}}}))")
    problems = []
    try:
        page = context.new_page()
        watch = PageWatch(page, site_url)
        for path in pages:
            page.goto(f"{site_url}/{path}", wait_until="load")
            page.wait_for_function(
                "s => document.body.getAttribute('data-md-color-scheme') === s",
                arg="default" if index == 0 else "slate")
            wait_until_drawn(page)
            page.wait_for_timeout(300)  # a resize redraw, late console errors
            wait_until_drawn(page)
            problems += [f"/{path}: {problem}"
                         for problem in figure_problems(page, dark=scheme == "dark")]
        watch.assert_clean()
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(walker, scheme):
    page, _, site_url = walker
    problems = []
    for path in PAGES:
        navigate(page, site_url, path)
        set_palette(page, scheme)
        wait_until_settled(page)  # axe sees the figures as readers do
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        for violation in violations:
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = [node["target"] for node in violation["nodes"][:3]]
                problems.append(
                    f"/{path} [{scheme}] {violation['id']}: {violation['help']} {targets}"
                )
    assert not problems, "\n".join(problems)


def set_palette(page, scheme):
    """Switch Material's palette with its own toggle input (the first option is light)."""
    position = 0 if scheme == "light" else 1
    page.evaluate(
        """(position) => {
          const inputs = document.querySelectorAll('input[name="__palette"]');
          if (inputs.length > position && !inputs[position].checked) inputs[position].click();
        }""",
        position,
    )
    expected = page.evaluate(
        "(position) => document.querySelectorAll('input[name=\"__palette\"]')[position]"
        ".getAttribute('data-md-color-scheme')",
        position,
    )
    page.wait_for_function(
        "scheme => document.body.getAttribute('data-md-color-scheme') === scheme", arg=expected
    )
