"""Cross-origin isolation on a host that sends no COOP/COEP headers (GitHub Pages).

The built site is served **without** the headers; coi-serviceworker (hooks/isolation.py)
must make the page isolated after the first visit's reload, so Stop interrupts Python in
place, and instant navigation must keep it so, with no console error. JupyterLite, which
has its own service worker under lite/, must still open its notebooks in the same browser
context. (tests/browser/test_runtime.py keeps the restart fallback's test, and the other
browser tests serve the site with the headers.)
"""
from __future__ import annotations

import re
import time

import pytest
from conftest import open_page
from helpers import PageWatch, click_link, output_text, set_editor_source, wait_for_runs
from server import free_port, serve

pytestmark = pytest.mark.slow

CHAPTER = "chapters/04-attention/"
OTHER_CHAPTER = "chapters/05-softmax-scaling/"
STOP_LIMIT_S = 1.0


@pytest.fixture(scope="module")
def headerless_url(built_site, tmp_path_factory):
    """The built site behind a server that sends no isolation headers.

    Material's instant navigation needs the server on the port written in sitemap.xml, which
    the session's server with headers may hold: this one serves a view of the site (links to
    its files) whose sitemap names a port of its own.
    """
    port = free_port()
    view = tmp_path_factory.mktemp("headerless-site")
    for entry in built_site.iterdir():
        if entry.name == "sitemap.xml":
            text = entry.read_text(encoding="utf-8")
            (view / entry.name).write_text(
                re.sub(r"(<loc>\s*https?://[^/:<]+):\d+/", rf"\g<1>:{port}/", text),
                encoding="utf-8")
        elif entry.name != "sitemap.xml.gz":  # Material reads sitemap.xml
            (view / entry.name).symlink_to(entry)
    with serve(view, isolated=False, port=port) as url:
        yield url


def wait_until_isolated(page, timeout_s=30.0):
    """Seconds until ``crossOriginIsolated`` is true (the page reloads once on the way)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        try:
            if page.evaluate("window.crossOriginIsolated === true"):
                return time.perf_counter() - start
        except Exception:  # noqa: BLE001 - the context is destroyed by the reload
            pass
        page.wait_for_timeout(50)
    raise AssertionError(f"the page was not cross-origin isolated after {timeout_s} s")


@pytest.fixture(scope="module")
def reader(browser, headerless_url):
    """One reader's context: first visit to a chapter, until the page is isolated."""
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch(page, headerless_url)
    response = page.goto(f"{headerless_url}/{CHAPTER}")
    assert "cross-origin-embedder-policy" not in response.headers  # the host sends none
    wait_until_isolated(page)
    page.wait_for_function("window.__ittRuntime !== undefined")
    yield page, watch, headerless_url
    context.close()


def test_first_visit_reloads_into_isolation(reader):
    page, watch, url = reader
    # The first load registered the worker and reloaded the page, now under it.
    assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"
    assert page.evaluate("window.crossOriginIsolated") is True
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == \
        f"{url}/coi-serviceworker.js"
    watch.assert_clean()


def test_stop_interrupts_in_place_within_a_second(reader):
    page, watch, _ = reader
    root = page.locator(".itt-demo").first
    page.wait_for_function("e => e.dataset.demoEnhanced !== undefined",
                           arg=root.element_handle())
    set_editor_source(page, root, "print('spinning')\nwhile True:\n    pass\n")
    runs = int(root.get_attribute("data-demo-runs") or 0)
    root.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "e => e.querySelector('.itt-demo-stdout') && "
        "e.querySelector('.itt-demo-stdout').textContent.includes('spinning')",
        arg=root.element_handle(), timeout=120_000,
    )
    starts = page.evaluate("window.__ittRuntime.workerStarts")
    clicked = time.perf_counter()
    root.get_by_role("button", name="Stop", exact=True).click()
    wait_for_runs(page, root, runs + 1, timeout=10_000)
    stopped_after = time.perf_counter() - clicked
    assert root.get_attribute("data-demo-state") == "stopped"
    assert "KeyboardInterrupt" in output_text(root)
    assert page.evaluate("window.__ittRuntime.workerStarts") == starts, "the worker restarted"
    assert stopped_after < STOP_LIMIT_S, f"Stop took {stopped_after:.2f} s"
    watch.assert_clean()


def test_instant_navigation_keeps_isolation(reader):
    page, watch, url = reader
    page.evaluate("window.__ittIsolationMarker = true")
    starts = page.evaluate("window.__ittRuntime.workerStarts")
    click_link(page, f"{url}/{OTHER_CHAPTER}")
    page.wait_for_function("target => location.pathname === target", arg=f"/{OTHER_CHAPTER}",
                           timeout=30_000)
    assert page.evaluate("window.__ittIsolationMarker === true"), "the page reloaded"
    assert page.evaluate("window.crossOriginIsolated") is True
    assert page.evaluate("window.__ittRuntime.workerStarts") == starts
    watch.assert_clean()


def test_jupyterlite_still_opens_under_the_site_worker(browser, headerless_url):
    """After the site's worker is installed, JupyterLite (with its own service worker under
    lite/) opens and lists the notebooks in the same browser context."""
    context, page, watch = open_page(browser, f"{headerless_url}/{CHAPTER}")
    errors = []
    page.on("console", lambda message: errors.append((message.text, message.location["url"]))
            if message.type == "error" else None)
    try:
        wait_until_isolated(page)
        page.goto(f"{headerless_url}/lite/tree/index.html")
        page.wait_for_selector(".jp-DirListing-itemText", timeout=60_000)
        page.wait_for_function(
            "() => navigator.serviceWorker.getRegistrations().then(r => r.some("
            "x => x.scope.endsWith('/lite/')))", timeout=30_000)
        listed = page.locator(".jp-DirListing-itemText").all_inner_texts()
        assert "04-attention.ipynb" in listed, listed
        # Chromium asks the origin's root for /favicon.ico while JupyterLite sets its icon:
        # the site has none there (nor has a project site on Pages), which is not an error.
        errors = [e for e in errors if not e[1].endswith("/favicon.ico")]
        assert not errors, f"console errors: {errors}"
        assert not [e for e in watch.errors if not e.startswith("console.error")], watch.errors
        assert not watch.foreign, f"requests to other origins: {watch.foreign}"
    finally:
        context.close()
