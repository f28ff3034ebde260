"""Fixtures for the browser suite: one build, one Chromium, local static servers.

Everything is session-scoped so the suite starts Chromium once and builds once; each test
module keeps one page open so Pyodide loads once per module, not once per test.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixture_site import build_fixture_site  # noqa: E402
from helpers import REPO, PageWatch, launch_chromium  # noqa: E402
from server import free_port, serve, sitemap_port  # noqa: E402

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def runtime_bundle():
    """Run `npm run build` once (bundles web/ and copies the Pyodide files)."""
    subprocess.run(["npm", "run", "build", "--silent"], cwd=REPO, check=True)
    return REPO / "docs" / "assets" / "build"


@pytest.fixture(scope="session")
def fixture_site(runtime_bundle, tmp_path_factory):
    return build_fixture_site(tmp_path_factory.mktemp("fixture-site"))


@pytest.fixture(scope="session")
def isolated_fixture_url(fixture_site):
    with serve(fixture_site, isolated=True) as url:
        yield url


@pytest.fixture(scope="session")
def plain_fixture_url(fixture_site):
    with serve(fixture_site, isolated=False) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def open_page(browser, url):
    """A fresh context and page on `url`, with a PageWatch attached."""
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch(page, url)
    page.goto(url)
    return context, page, watch


@pytest.fixture(scope="session")
def built_site(runtime_bundle, tmp_path_factory):
    """The MkDocs site, built once per session (`mkdocs build -d <tmp>`).

    ITT_BROWSER_SITE=<dir> tests an already built site instead (e.g. the one CI just built).
    """
    prebuilt = os.environ.get("ITT_BROWSER_SITE")
    if prebuilt:
        return Path(prebuilt)
    target = tmp_path_factory.mktemp("site")
    # site_url carries the port the test server will use (see server.sitemap_port).
    environment = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": f"http://127.0.0.1:{free_port()}/",
    }
    completed = subprocess.run(
        [str(REPO / ".venv" / "bin" / "mkdocs"), "build", "-q", "-d", str(target)],
        cwd=REPO, capture_output=True, text=True, env=environment,
    )
    if completed.returncode != 0:
        pytest.fail(f"mkdocs build failed:\n{completed.stderr[-3000:]}", pytrace=False)
    return target


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site behind a server that sends COOP/COEP (a properly configured host)."""
    with serve(built_site, isolated=True, port=sitemap_port(built_site)) as url:
        yield url
