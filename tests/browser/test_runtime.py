"""The in-browser runtime on the fixture site (tests/browser/fixture_site.py).

One isolated page (COOP/COEP, as a configured host sends) serves most tests so Pyodide
loads once; the fallback without isolation gets its own page.
"""
from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
from conftest import open_page
from fixture_site import FIXTURE_DEMOS
from helpers import (
    REPO,
    PageWatch,
    assert_close,
    demo_result,
    editor_source,
    output_text,
    run_demo_in_page,
    set_editor_source,
    wait_for_runs,
)
from playwright.sync_api import expect

from demos.runner import run_demo_file
from demos.shipped import shipped_files

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def isolated(browser, isolated_fixture_url):
    context, page, watch = open_page(browser, f"{isolated_fixture_url}/index.html")
    yield page, watch
    watch.assert_clean()
    context.close()


def demo(page, demo_id):
    return page.locator(f'.itt-demo[data-demo="{demo_id}"]')


def test_page_is_enhanced_with_named_controls(isolated):
    page, _ = isolated
    assert page.evaluate("crossOriginIsolated") is True
    root = demo(page, "fixture/numbers")
    for name in ("Run", "Stop", "Reset"):
        assert root.get_by_role("button", name=name, exact=True).count() == 1, name
    # Its editor is built once Python is ready and the page quiet (web/lazy-editor.js).
    expect(root.locator(".cm-editor")).to_have_count(1, timeout=60_000)
    assert root.locator("pre.itt-demo-source").count() == 0
    assert root.get_by_label("n", exact=True).get_attribute("type") == "range"
    assert root.get_by_label("Mode", exact=True).evaluate("e => e.tagName") == "SELECT"
    # The build-time output stays until the first live run.
    assert "Output computed at build time" in output_text(root)


def test_results_equal_cpython(isolated):
    page, _ = isolated
    for name in ("numbers", "exercise"):
        root = demo(page, f"fixture/{name}")
        run_demo_in_page(page, root)
        assert root.get_attribute("data-demo-state") == "done", output_text(root)
        expected = run_demo_file(FIXTURE_DEMOS / f"{name}.py")["result"]
        assert_close(demo_result(root), expected, f"fixture/{name}.result")
        assert "Output computed at build time" not in output_text(root)


def test_control_rewrites_line_and_reruns(isolated):
    page, _ = isolated
    root = demo(page, "fixture/numbers")
    runs = int(root.get_attribute("data-demo-runs") or 0)
    root.get_by_label("Mode", exact=True).select_option(label="uniform")
    slider = root.get_by_label("n", exact=True)
    slider.fill("6")
    wait_for_runs(page, root, runs + 1)
    # Debounced: both changes land in one rerun (allow a second if the machine is slow).
    page.wait_for_function(
        "e => JSON.parse(e.dataset.demoResult).n === 6", arg=root.element_handle()
    )
    source = editor_source(root)
    assert 'n = 6  # @param {type: "slider"' in source
    assert 'mode = "uniform"  # @param' in source
    assert_close(demo_result(root)["weights"], [1 / 6] * 6, "weights")
    assert root.locator(".itt-control-value").first.inner_text() == "6"
    root.get_by_role("button", name="Reset", exact=True).click()
    assert 'n = 4  # @param' in editor_source(root)
    assert root.get_by_label("n", exact=True).input_value() == "4"


def test_shift_enter_runs(isolated):
    page, _ = isolated
    root = demo(page, "fixture/numbers")
    runs = int(root.get_attribute("data-demo-runs") or 0)
    root.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    wait_for_runs(page, root, runs + 1)
    assert root.get_attribute("data-demo-state") == "done"


def test_output_is_text_never_html(isolated):
    page, watch = isolated
    root = demo(page, "fixture/numbers")
    payload = "<img src=x onerror=alert(1)>"
    set_editor_source(page, root, f'print("{payload}")\nresult = {{"ok": 1}}')
    run_demo_in_page(page, root)
    assert payload in output_text(root)
    assert root.locator("[data-demo-output] img").count() == 0
    assert watch.dialogs == []
    root.get_by_role("button", name="Reset", exact=True).click()


def test_traceback_is_shown_and_other_demos_still_work(isolated):
    page, _ = isolated
    broken = demo(page, "fixture/numbers")
    set_editor_source(page, broken, "x = 1\ny = x / 0\n")
    run_demo_in_page(page, broken)
    assert broken.get_attribute("data-demo-state") == "error"
    text = output_text(broken)
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError" in text, text
    assert broken.locator(".itt-demo-error").count() == 1
    other = demo(page, "fixture/exercise")
    run_demo_in_page(page, other)
    assert other.get_attribute("data-demo-state") == "done"
    broken.get_by_role("button", name="Reset", exact=True).click()


def test_runaway_recursion_is_a_python_error(isolated):
    # The worker's JS stack is small; the recursion limit must stop Python first.
    page, _ = isolated
    root = demo(page, "fixture/numbers")
    set_editor_source(page, root, "def f(n):\n    return f(n + 1)\n\nf(0)\n")
    run_demo_in_page(page, root)
    assert root.get_attribute("data-demo-state") == "error"
    assert "RecursionError" in output_text(root)
    root.get_by_role("button", name="Reset", exact=True).click()
    run_demo_in_page(page, root)
    assert root.get_attribute("data-demo-state") == "done"


def test_exercise_marked_right_or_wrong(isolated):
    page, _ = isolated
    root = demo(page, "fixture/exercise")
    run_demo_in_page(page, root)
    badge = root.locator(".itt-demo-badge")
    assert "Not yet" in badge.inner_text() and "add the three numbers" in badge.inner_text()
    runs = int(root.get_attribute("data-demo-runs"))
    root.get_by_label("Answer", exact=True).fill("4")
    wait_for_runs(page, root, runs + 1)
    page.wait_for_function(
        "e => JSON.parse(e.dataset.demoResult).correct", arg=root.element_handle()
    )
    assert "Correct" in root.locator(".itt-demo-badge").inner_text()


def test_stop_interrupts_in_place_when_isolated(isolated):
    page, _ = isolated
    root = demo(page, "fixture/numbers")
    set_editor_source(page, root, "print('spinning')\nwhile True:\n    pass\n")
    runs = int(root.get_attribute("data-demo-runs") or 0)
    root.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(  # executing, not waiting for Python to start
        "e => e.querySelector('.itt-demo-stdout') && "
        "e.querySelector('.itt-demo-stdout').textContent.includes('spinning')",
        arg=root.element_handle(), timeout=60_000,
    )
    root.get_by_role("button", name="Stop", exact=True).click()
    wait_for_runs(page, root, runs + 1, timeout=10_000)
    assert root.get_attribute("data-demo-state") == "stopped"
    text = output_text(root)
    assert "interrupted in place" in text and "KeyboardInterrupt" in text, text
    assert "restarted" not in text and root.locator(".itt-demo-restart-time").count() == 0
    # Same interpreter, still usable.
    assert page.evaluate("window.__ittRuntime.workerStarts") == 1
    assert page.evaluate("window.__ittRuntime.restarts.length") == 0
    root.get_by_role("button", name="Reset", exact=True).click()
    run_demo_in_page(page, root)
    assert root.get_attribute("data-demo-state") == "done"


def test_stop_restarts_worker_without_isolation(browser, plain_fixture_url):
    context, page, watch = open_page(browser, f"{plain_fixture_url}/index.html")
    try:
        assert page.evaluate("crossOriginIsolated") is False
        root = demo(page, "fixture/numbers")
        set_editor_source(page, root, "print('spinning')\nwhile True:\n    pass\n")
        runs = int(root.get_attribute("data-demo-runs") or 0)
        root.get_by_role("button", name="Run", exact=True).click()
        page.wait_for_function(
            "e => e.querySelector('.itt-demo-stdout') && "
            "e.querySelector('.itt-demo-stdout').textContent.includes('spinning')",
            arg=root.element_handle(), timeout=60_000,
        )
        clicked = time.perf_counter()
        root.get_by_role("button", name="Stop", exact=True).click()
        wait_for_runs(page, root, runs + 1, timeout=10_000)
        assert root.get_attribute("data-demo-state") == "stopped"
        text = output_text(root)
        assert "Python was restarted" in text and "not cross-origin isolated" in text, text
        assert "second or two" not in text  # a measured time, never a guess
        # The measured time until the fresh Python was ready, shown once it is.
        shown = root.locator(".itt-demo-restart-time[data-seconds]")
        shown.wait_for(timeout=60_000)
        waited = time.perf_counter() - clicked
        seconds = float(shown.get_attribute("data-seconds"))
        assert 0 < seconds <= waited + 0.5, (seconds, waited)
        assert shown.inner_text() == f"Python was ready again after {seconds:.1f} s."
        restarts = page.evaluate("window.__ittRuntime.restarts")
        assert [r["reason"] for r in restarts] == ["not-isolated"]
        assert restarts[0]["seconds"] == seconds
        assert page.evaluate("window.__ittRuntime.workerStarts") == 2
        root.get_by_role("button", name="Reset", exact=True).click()
        run_demo_in_page(page, root)
        assert root.get_attribute("data-demo-state") == "done"
        watch.assert_clean()
    finally:
        context.close()


def test_no_matplotlib_on_a_page_that_does_not_draw(isolated):
    page, watch = isolated
    run_demo_in_page(page, demo(page, "fixture/exercise"))
    # Requests made by the worker (importScripts, XHR) are seen by the page too.
    assert any(url.endswith("/numpy.data") for url in watch.requests), watch.requests
    assert not any("matplotlib" in url for url in watch.requests)
    # Fetched early, once (web/early-runtime.js): Emscripten's requests for the compiled wasm
    # and for the standard library's data file are answered with what was fetched.
    assert [url.rsplit("/", 1)[1] for url in watch.requests
            if url.endswith(".wasm")] == ["pyodide.asm.wasm"], watch.requests
    assert [url.rsplit("/", 1)[1] for url in watch.requests
            if url.endswith("/pyodide.asm.data")] == ["pyodide.asm.data"], watch.requests


def test_figure_demo_gets_matplotlib(browser, isolated_fixture_url):
    context, page, watch = open_page(browser, f"{isolated_fixture_url}/second.html")
    try:
        numbers = demo(page, "fixture/numbers")
        run_demo_in_page(page, numbers)
        root = demo(page, "fixture/figure")
        run_demo_in_page(page, root)
        assert root.get_attribute("data-demo-state") == "done", output_text(root)
        image = root.locator("[data-demo-output] img")
        assert image.count() == 1
        assert image.get_attribute("src").startswith("data:image/png;base64,")
        assert image.get_attribute("alt") == "Matplotlib figure 1 drawn by the code (live output)"
        assert any(url.endswith("/matplotlib.data") for url in watch.requests)
        expected = run_demo_file(FIXTURE_DEMOS / "figure.py")["result"]
        assert_close(demo_result(root), expected, "fixture/figure.result")
        watch.assert_clean()
    finally:
        context.close()


def test_python_starts_when_the_early_data_download_fails(browser, isolated_fixture_url):
    """web/early-runtime.js answers Emscripten's request for the standard library's data file
    with its own early download; when that download fails, Emscripten's request goes out as
    it would have without the early start, and Python starts."""
    context = browser.new_context()
    try:
        answered = []

        def first_fails(route):
            answered.append(route.request.url)
            if len(answered) == 1:
                route.fulfill(status=503, body="busy")
            else:
                route.continue_()

        context.route("**/pyodide.asm.data", first_fails)
        page = context.new_page()
        watch = PageWatch(page, isolated_fixture_url)
        page.goto(f"{isolated_fixture_url}/index.html")
        root = demo(page, "fixture/numbers")
        run_demo_in_page(page, root)
        assert root.get_attribute("data-demo-state") == "done", output_text(root)
        assert len(answered) == 2, answered
        # Chromium reports the refused download in the console; nothing else went wrong.
        assert all("503" in error for error in watch.errors), watch.errors
        watch.errors.clear()
        watch.assert_clean()
    finally:
        context.close()


def test_a_python_zip_without_pycore_fails_the_start_and_says_why(browser, isolated_fixture_url):
    """demos.browser.start raises the ImportError: loading fails with it, runs are told."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in shipped_files(REPO):
            if not name.startswith("pycore/"):
                zipped.write(REPO / name, name)
    context = browser.new_context()
    try:
        # The worker's fetch of python.zip is answered with the broken archive.
        context.route("**/python.zip", lambda route: route.fulfill(
            status=200, body=archive.getvalue(), content_type="application/zip"))
        page = context.new_page()
        watch = PageWatch(page, isolated_fixture_url)
        page.goto(f"{isolated_fixture_url}/index.html")
        root = demo(page, "fixture/numbers")
        status = root.locator(".itt-demo-status")
        expected = "ModuleNotFoundError: No module named 'pycore'"
        page.wait_for_function(
            "([e, text]) => e.textContent.includes(text)",
            arg=[status.element_handle(), expected], timeout=60_000,
        )
        assert status.inner_text() == f"Python failed to load: {expected}"
        run_demo_in_page(page, root)
        assert root.get_attribute("data-demo-state") != "done"
        assert f"Python could not start: {expected}" in output_text(root), output_text(root)
        # The whole traceback goes to the console for developers; nothing else went wrong.
        errors = watch.errors
        assert errors and all("Python could not start" in error for error in errors), errors
        watch.errors.clear()
        watch.assert_clean()
    finally:
        context.close()


# Run as a demo: the modules of Pyodide's Python and NumPy imported without the shipped
# bytecode (frozen modules, importlib's, have none to look for). Shipped means hash-checked
# (flags 3, PEP 552): bytecode Python wrote itself would be timestamp-based.
_MODULES_WITHOUT_BYTECODE = """import json, os, sys
library = {name: module for name, module in sys.modules.items()
           if str(getattr(module, "__file__", "")).startswith("/lib/python3.8/")
           and getattr(module, "__cached__", None)}
def shipped(path):
    if not os.path.exists(path):
        return False
    with open(path, "rb") as pyc:
        return int.from_bytes(pyc.read(8)[4:], "little") == 3
compiled = [name for name, module in library.items() if shipped(module.__cached__)]
print(json.dumps({"without": sorted(set(library) - set(compiled)), "with": len(compiled)}))
"""


def test_python_starts_from_bytecode(isolated):
    """hooks/runtime_bytecode.py: every module of Pyodide's Python and of NumPy that the
    worker has imported comes with its .pyc (PYTHON_MODULES is complete), so no page load
    compiles them."""
    from hooks.python_zip import browser_python

    if browser_python() is None:
        pytest.skip("no Python 3.8: the packages were written without bytecode")
    page, _ = isolated
    root = demo(page, "fixture/numbers")
    set_editor_source(page, root, _MODULES_WITHOUT_BYTECODE)
    run_demo_in_page(page, root)
    report = json.loads(output_text(root).strip().splitlines()[-1])
    # NumPy: 88 modules; the standard library and Pyodide's: 138.
    assert report["without"] == [] and report["with"] >= 200, report
    root.get_by_role("button", name="Reset", exact=True).click()
