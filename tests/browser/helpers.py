"""Shared helpers for the browser tests and the page benchmark."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
RUN_TIMEOUT_MS = 60_000
# Results are compared to CPython's with this relative tolerance; the absolute floor only
# matters for values that are zero up to rounding (NumPy 1.17 vs 2.x summation order).
RTOL = 1e-9
ATOL = 1e-12


def launch_chromium(playwright):
    """Debian's Chromium where installed, else Playwright's own build."""
    path = CHROMIUM if os.path.exists(CHROMIUM) else None
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


def assert_close(actual, expected, where="result"):
    """Recursive comparison of JSON values; floats within RTOL (ATOL near zero)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a dict, got {actual!r}"
        assert sorted(actual) == sorted(expected), (
            f"{where}: keys {sorted(actual)} != {sorted(expected)}"
        )
        for key in expected:
            assert_close(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{where}: length {len(actual)} != {len(expected)}"
        for index, (left, right) in enumerate(zip(actual, expected)):
            assert_close(left, right, f"{where}[{index}]")
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        assert actual == expected, f"{where}: browser {actual!r} != CPython {expected!r}"
    elif isinstance(expected, (int, float)):
        assert isinstance(actual, (int, float)) and not isinstance(actual, bool), (
            f"{where}: browser {actual!r} is not a number (CPython {expected!r})"
        )
        assert math.isclose(actual, expected, rel_tol=RTOL, abs_tol=ATOL), (
            f"{where}: browser {actual!r} != CPython {expected!r} (rtol {RTOL})"
        )
    else:
        raise TypeError(f"{where}: unexpected JSON value {expected!r}")


# JavaScript: when the first performance mark called `name` was made (ms since navigation),
# or null. The page marks "itt-python-ready" (runtime.js) and each demo's results (demo.js).
MARK_TIME = "name => (performance.getEntriesByName(name)[0] || {}).startTime ?? null"


def wait_for_python_ready(page, timeout=180_000):
    """Wait until the page's Python is ready (its "itt-python-ready" mark)."""
    page.wait_for_function(f"({MARK_TIME})('itt-python-ready') !== null", timeout=timeout)


class PageWatch:
    """Collects console errors, uncaught exceptions, dialogs and requests to other origins."""

    def __init__(self, page, base_url: str):
        self.origin = urlsplit(base_url)[:2]
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console.error: {message.text}")

    def _request(self, request):
        self.requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if parts[:2] != self.origin:
            self.foreign.append(request.url)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self):
        assert not self.errors, f"console errors: {self.errors}"
        assert not self.foreign, f"requests to other origins: {self.foreign}"
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"


class HeldPythonZip:
    """python.zip's requests in ``context``, held (not answered) so that Python cannot become
    ready meanwhile; :meth:`release` answers them."""

    def __init__(self, context, pattern="**/python.zip"):
        self.routes = []
        context.route(pattern, lambda route: self.routes.append(route))

    def wait_until_requested(self, page, timeout_s=60):
        """Wait until the worker has asked for python.zip (it does as it starts)."""
        for _ in range(timeout_s * 10):
            if self.routes:
                return
            page.wait_for_timeout(100)
        raise AssertionError("python.zip was never requested")

    def release(self):
        for route in self.routes:
            route.continue_()


def run_demo_in_page(page, root, timeout=RUN_TIMEOUT_MS):
    """Click Run on demo `root` (a Locator) and wait until that run has finished."""
    before = int(root.get_attribute("data-demo-runs") or 0)
    root.get_by_role("button", name="Run", exact=True).click()
    wait_for_runs(page, root, before + 1, timeout)


# What the page knows about a demo and the runtime, for a run that did not finish in time.
_RUN_STATE_JS = """element => {
  const runtime = window.__ittRuntime;
  const output = element.querySelector('[data-demo-output]');
  return {
    demo: element.dataset.demo, state: element.dataset.demoState || null,
    runs: element.dataset.demoRuns || null,
    output: output ? output.innerText.slice(-600) : null,
    runtime: runtime ? {
      status: runtime.status, pending: runtime.pending.size, workerStarts: runtime.workerStarts,
      workerReady: runtime.workerReady, deaths: runtime.deaths, restarts: runtime.restarts,
      rejected: runtime.rejected,
    } : null,
  };
}"""


def wait_for_runs(page, root, count, timeout=RUN_TIMEOUT_MS):
    """Wait until demo ``root`` has finished ``count`` runs; on a timeout, say what it was doing."""
    try:
        page.wait_for_function(
            "([element, count]) => Number(element.dataset.demoRuns || 0) >= count",
            arg=[root.element_handle(), count],
            timeout=timeout,
        )
    except PlaywrightTimeoutError:
        state = page.evaluate(_RUN_STATE_JS, root.element_handle())
        raise AssertionError(f"run {count} did not finish within {timeout / 1000:.0f} s; "
                             f"the page says: {json.dumps(state, default=str)}") from None


def demo_result(root):
    return json.loads(root.get_attribute("data-demo-result"))


def set_editor_source(page, root, source: str):
    """Replace the editor's text the way a reader would: select all, then type."""
    root.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(source)


def editor_source(root) -> str:
    return root.locator(".cm-content").evaluate(
        "content => [...content.querySelectorAll('.cm-line')]"
        ".map(line => line.textContent).join('\\n')"
    )


def output_text(root) -> str:
    return root.locator("[data-demo-output]").inner_text()


REPO = Path(__file__).resolve().parents[2]


def click_link(page, href):
    """Follow a link to ``href`` as a reader's click does (Material's instant navigation
    intercepts it, so the page is not reloaded)."""
    page.evaluate(
        """(href) => {
          const link = document.createElement('a');
          link.href = href;
          document.body.append(link);
          link.click();
          link.remove();
        }""",
        href,
    )
