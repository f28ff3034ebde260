"""The companion notebooks' JupyterLite opens from the site's own server and lists them.

No kernel is started: JupyterLite's Pyodide kernel needs a CDN, which the site does not
use (the chapter pages say so next to the link).
"""
from notebooks import generate


def test_jupyterlite_lists_the_notebooks_offline(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    other_origins = []
    page.on("request", lambda request: None if request.url.startswith(
        ("data:", "blob:", site_url.rstrip("/"))) else other_origins.append(request.url))
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
        assert not other_origins, f"JupyterLite fetched from other origins: {other_origins}"
    finally:
        context.close()
