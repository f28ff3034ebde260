"""Material's search on a page with demos: its index waits for Python, unless the reader searches.

web/search-gate.js holds back the index request (0.6 MB, then built in a worker) so that it
does not compete with Pyodide's start; these tests check that it is held, that it is released
when Python is ready, and that a reader who searches first gets it at once.
"""
from __future__ import annotations

import pytest
from helpers import MARK_TIME, HeldPythonZip, PageWatch, wait_for_python_ready

pytestmark = pytest.mark.browser

CHAPTER = "chapters/04-attention/"
INDEX_START = """() => {
  const entry = performance.getEntriesByType('resource')
    .find((item) => item.name.endsWith('/search/search_index.json'));
  return entry ? entry.startTime : null;
}"""


def search_for(page, query):
    """Click into the header's search box (wide layout) as a reader does and type `query`."""
    box = page.locator("input[data-md-component='search-query']")
    box.click()
    box.press_sequentially(query, delay=30)  # Material searches on key events, not on fill()
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="visible", timeout=60_000)
    return results


@pytest.fixture()
def fresh_context(browser):
    context = browser.new_context()
    try:
        yield context
    finally:
        context.close()


@pytest.fixture()
def fresh_page(fresh_context, site_url):
    page = fresh_context.new_page()
    watch = PageWatch(page, site_url)
    yield page, watch
    watch.assert_clean()


def test_index_waits_for_python_then_search_works(fresh_page, site_url):
    page, _ = fresh_page
    page.goto(f"{site_url}/{CHAPTER}")
    wait_for_python_ready(page)
    page.wait_for_function(f"({INDEX_START})() !== null", timeout=60_000)
    ready = page.evaluate(MARK_TIME, "itt-python-ready")
    requested = page.evaluate(INDEX_START)
    assert requested > ready, (
        f"the search index was requested at {requested:.0f} ms, before Python was ready "
        f"at {ready:.0f} ms")
    results = search_for(page, "softmax")
    assert results.count() > 0
    assert "softmax" in results.first.inner_text().lower()


def test_reader_who_searches_first_gets_the_index_at_once(fresh_context, fresh_page, site_url):
    page, _ = fresh_page
    # Python cannot become ready while the reader searches.
    held = HeldPythonZip(fresh_context, "**/assets/build/python.zip")
    page.goto(f"{site_url}/{CHAPTER}", wait_until="domcontentloaded")
    results = search_for(page, "attention")
    assert results.count() > 0
    # The index came while Python could not be ready: the search released it.
    assert page.evaluate(INDEX_START) is not None
    assert page.evaluate(MARK_TIME, "itt-python-ready") is None, "Python was ready: no proof"
    held.release()
