"""Figures drawn by the page (web/figures.js) on the fixture site: build-time and live figures
render cleanly and readably in both palettes and at phone width, their data equal CPython's,
the attention view isolates a token by mouse, keyboard and touch, and no page downloads
Matplotlib or the renderer it does not need."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import open_page
from figure_checks import (
    assert_figures_close,
    figure_problems,
    live_figures,
    wait_for_live_figures,
    wait_until_drawn,
)
from fixture_site import FIXTURE_DEMOS
from helpers import (
    RUN_TIMEOUT_MS,
    HeldPythonZip,
    PageWatch,
    output_text,
    run_demo_in_page,
    set_editor_source,
    wait_for_runs,
)

from demos.runner import run_demo_file

pytestmark = pytest.mark.browser

TOKENS = ["the", "cat", "sat", "down"]


@pytest.fixture(scope="module")
def expected():
    return run_demo_file(FIXTURE_DEMOS / "chart.py")


@pytest.fixture(scope="module")
def charts(browser, isolated_fixture_url):
    context, page, watch = open_page(browser, f"{isolated_fixture_url}/charts.html")
    yield page, watch
    watch.assert_clean()
    context.close()


def chart_demo(page):
    return page.locator('.itt-demo[data-demo="fixture/chart"]')


def set_scheme(page, scheme):
    page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
    page.wait_for_timeout(400)  # the renderer redraws on the attribute change
    wait_until_drawn(page)


def edge_count(figure):
    return figure.locator(".itt-chart-view .layer_0_marks line").count()


def expect_edges(page, figure, count, message):
    """Wait (the SVG redraws after the selection changes) until ``count`` lines show."""
    try:
        page.wait_for_function(
            "([figure, count]) => figure.querySelectorAll("
            "'.itt-chart-view .layer_0_marks line').length === count",
            arg=[figure.element_handle(), count], timeout=10_000)
    except Exception:  # noqa: BLE001 - report the count seen, not Playwright's timeout
        pass
    assert edge_count(figure) == count, message


def weight_labels(figure):
    texts = figure.locator(".itt-chart-view .layer_2_marks text").evaluate_all(
        "texts => texts.map(text => text.textContent)")
    return [float(text) for text in texts]


def token_box(figure, side, index):
    """Centre of the token text of ``side`` ("query": left column, "key": right)."""
    texts = figure.locator(".itt-chart-view .layer_1_marks text")
    boxes = [texts.nth(i).bounding_box() for i in range(texts.count())]
    column = sorted(boxes, key=lambda box: box["x"])
    queries = sorted(column[: len(TOKENS)], key=lambda box: box["y"])
    keys = sorted(column[len(TOKENS):], key=lambda box: box["y"])
    box = (queries if side == "query" else keys)[index]
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_build_time_figures_are_drawn_by_the_renderer(charts):
    page, watch = charts
    wait_until_drawn(page)
    figures = page.locator("figure.itt-chart")
    assert figures.count() == 2
    assert page.locator("figure.itt-chart .itt-chart-static").first.is_hidden()
    assert figures.first.locator(".itt-chart-view svg").count() == 1
    assert page.locator("figure.itt-chart figcaption").first.inner_text() == (
        "Two heads over four tokens.")
    assert figure_problems(page) == []
    assert any(url.endswith("/itt-figures.js") for url in watch.requests)
    assert not any("matplotlib" in url for url in watch.requests)


def test_build_time_figures_wait_for_python_and_a_quiet_page(browser, isolated_fixture_url):
    """web/figure-schedule.js: while Python starts, each figure's static image (in the
    reader's palette) stands in for it, even on the screen (drawing then would slow the
    start); once Python is ready and the page quiet, the figures are drawn."""
    context = browser.new_context()
    held = HeldPythonZip(context)
    try:
        page = context.new_page()
        watch = PageWatch(page, isolated_fixture_url)
        page.goto(f"{isolated_fixture_url}/charts.html")
        held.wait_until_requested(page)
        page.wait_for_timeout(3000)  # longer than the quiet wait, were Python ready
        figures = page.locator("figure.itt-chart")
        assert figures.count() == 2
        assert figures.first.is_visible()
        drawn = page.evaluate(
            "[...document.querySelectorAll('figure.itt-chart')].map(f => !!f.dataset.chartDrawn)")
        assert drawn == [False, False], "a figure was drawn while Python started"
        static = page.locator("figure.itt-chart .itt-chart-static").first
        assert static.is_visible()
        # Its drawing in the reader's palette stands in for it.
        for scheme in ("default", "slate", "default"):
            page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            assert static.locator(f"img.itt-chart-static-{scheme}").is_visible(), scheme
            other = "slate" if scheme == "default" else "default"
            assert static.locator(f"img.itt-chart-static-{other}").is_hidden(), scheme
        held.release()
        wait_until_drawn(page)
        assert page.locator("figure.itt-chart .itt-chart-static").first.is_hidden()
        watch.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_both_palettes_render_readably(charts, scheme):
    page, _ = charts
    set_scheme(page, scheme)
    assert figure_problems(page, dark=scheme == "slate") == []
    # The heatmap's colour scale follows the palette: its top colour is the theme's.
    top = page.evaluate("getComputedStyle(document.body).getPropertyValue('--itt-chart-seq-5')")
    stops = page.locator("figure.itt-chart").nth(1).locator("linearGradient stop")
    assert stops.count() >= 2
    last = stops.nth(stops.count() - 1).get_attribute("stop-color")
    assert _rgb(last) == _rgb(top.strip()), f"{scheme}: colour bar ends at {last}, theme {top}"
    set_scheme(page, "default")


def _rgb(colour):
    colour = colour.strip()
    if colour.startswith("#"):
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return tuple(int(float(part)) for part in colour[colour.index("(") + 1:-1].split(",")[:3])


def test_live_figures_equal_cpython_and_draw(charts, expected):
    page, watch = charts
    root = chart_demo(page)
    run_demo_in_page(page, root)
    assert root.get_attribute("data-demo-state") == "done", output_text(root)
    wait_for_live_figures(page, root)
    assert_figures_close(live_figures(root), expected["figures"], "fixture/chart.figures")
    assert figure_problems(page, root) == []
    assert root.locator("figure.itt-chart").count() == 2


def test_attention_view_hover_isolates_a_token_with_its_weights(charts, expected):
    page, _ = charts
    figure = chart_demo(page).locator("figure.itt-chart").first
    weights = np.array(expected["result"]["weights"])  # (h, T, T), head 1 shown
    assert edge_count(figure) == int(np.count_nonzero(weights[1]))
    figure.scroll_into_view_if_needed()  # the mouse only reaches what is on screen
    x, y = token_box(figure, "query", 2)
    page.mouse.move(x, y)
    expect_edges(page, figure, 3, "query 'sat' reads three keys")
    bold = figure.locator(".itt-chart-view .layer_1_marks text").evaluate_all(
        "texts => texts.filter((t) => ['bold', '700'].includes(getComputedStyle(t).fontWeight))"
        ".map((t) => t.textContent)")
    assert bold == [TOKENS[2]], f"the hovered token alone is bold: {bold}"
    np.testing.assert_allclose(sorted(weight_labels(figure)), sorted(weights[1, 2, :3]),
                               atol=5e-4, err_msg="weights shown beside the keys")
    page.mouse.move(x, y + 400)  # away: every line again
    expect_edges(page, figure, int(np.count_nonzero(weights[1])), "every line again")
    x, y = token_box(figure, "key", 0)
    page.mouse.move(x, y)
    expect_edges(page, figure, len(TOKENS), "every query reads the first key")
    np.testing.assert_allclose(sorted(weight_labels(figure)), sorted(weights[1, :, 0]),
                               atol=5e-4, err_msg="weights shown beside the queries")
    page.mouse.move(0, 0)


def test_attention_view_by_keyboard(charts, expected):
    page, _ = charts
    figure = chart_demo(page).locator("figure.itt-chart").first
    weights = np.array(expected["result"]["weights"])
    head = figure.locator('select[name="itt_head"]')
    head.focus()
    page.keyboard.press("ArrowUp")  # head 1 -> head 0
    page.wait_for_timeout(200)
    token = figure.locator('select[name="itt_token"]')
    token.focus()
    for _ in range(4):  # all tokens -> query 0 -> 1 -> 2 -> 3 ("down")
        page.keyboard.press("ArrowDown")
    assert token.evaluate("select => select.selectedOptions[0].textContent") == "query 3: down"
    expect_edges(page, figure, 4, "query 3 reads four keys")
    np.testing.assert_allclose(sorted(weight_labels(figure)), sorted(weights[0, 3]),
                               atol=5e-4, err_msg="head 0, query 3 by keyboard")
    page.keyboard.press("Home")  # back to all tokens
    expect_edges(page, figure, int(np.count_nonzero(weights[0])), "every line again")


def test_attention_view_by_touch(browser, isolated_fixture_url, expected):
    context = browser.new_context(has_touch=True, is_mobile=True,
                                  viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{isolated_fixture_url}/charts.html")
        wait_until_drawn(page)
        assert figure_problems(page) == [], "phone width"
        figure = page.locator("figure.itt-chart").first
        figure.scroll_into_view_if_needed()
        page.wait_for_timeout(500)  # a resize (the phone viewport) may redraw it once
        wait_until_drawn(page)
        weights = np.array(expected["result"]["weights"])
        x, y = token_box(figure, "query", 1)
        page.touchscreen.tap(x, y)
        expect_edges(page, figure, 2, "query 'cat' reads two keys")
        np.testing.assert_allclose(sorted(weight_labels(figure)), sorted(weights[1, 1, :2]),
                                   atol=5e-4, err_msg="weights after a tap")
    finally:
        context.close()


def test_matplotlib_loads_only_for_code_that_imports_it(browser, isolated_fixture_url):
    context, page, watch = open_page(browser, f"{isolated_fixture_url}/second.html")
    try:
        root = page.locator('.itt-demo[data-demo="fixture/numbers"]')
        run_demo_in_page(page, root)
        assert not any("matplotlib" in url for url in watch.requests), "no preload"
        assert not any(url.endswith("/itt-figures.js") for url in watch.requests), (
            "a page without figures never loads the renderer")
        figure_demo = page.locator('.itt-demo[data-demo="fixture/figure"]')
        notes = []
        page.expose_function("ittNote", lambda text: notes.append(text))
        figure_demo.locator(".itt-demo-status").evaluate(
            "status => new MutationObserver(() => window.ittNote(status.textContent))"
            ".observe(status, {childList: true, characterData: true, subtree: true})")
        run_demo_in_page(page, figure_demo)
        assert figure_demo.get_attribute("data-demo-state") == "done", output_text(figure_demo)
        assert any(url.endswith("/matplotlib.data") for url in watch.requests)
        assert any("matplotlib" in note.lower() and "first use" in note for note in notes), notes
        image = figure_demo.locator("[data-demo-output] img")
        assert image.count() == 1 and image.get_attribute("src").startswith("data:image/png")
        natural = image.evaluate("img => [img.naturalWidth, img.width]")
        assert natural[0] >= 2 * natural[1] - 2, f"PNG at 2x: {natural}"
        watch.assert_clean()
    finally:
        context.close()


LIVE_CURVE = """
import time
import pycore as pc
losses = []
for step in range(1, 61):
    losses.append(1.0 / step)
    started = time.perf_counter()
    while time.perf_counter() - started < 0.05:  # about 3 s of "training" in all
        pass
    pc.figures.show(pc.figures.lines(list(range(1, step + 1)), {"loss": losses},
                                     caption=f"Loss after {step} steps."), key="loss")
result = {"steps": step}
"""


def test_a_figure_shown_under_a_key_is_drawn_while_the_run_goes(charts):
    """pc.figures.show(fig, key=...) redraws one figure in place as the run goes (chapter
    12's loss curve); the run's final version replaces it in the same element."""
    page, _ = charts
    root = chart_demo(page)
    set_editor_source(page, root, LIVE_CURVE)
    before = int(root.get_attribute("data-demo-runs") or 0)
    root.get_by_role("button", name="Run", exact=True).click()
    # While the run goes: the keyed figure drawn in the output, showing fewer than 60 steps
    # (the previous run's output is cleared when the new one first shows something).
    live = "#itt-live-fixture-chart-loss"
    page.wait_for_function(
        "([root, live]) => root.dataset.demoState === 'running' && "
        "(root.querySelector(live) || {dataset: {}}).dataset.chartDrawn === 'true'",
        arg=[root.element_handle(), live], timeout=RUN_TIMEOUT_MS)
    early = root.locator("[data-demo-output] figure.itt-chart")
    assert early.count() == 1
    early_caption = early.locator("figcaption").inner_text()
    assert early_caption.startswith("Loss after ") and early_caption != "Loss after 60 steps."
    handle = early.element_handle()
    wait_for_runs(page, root, before + 1)
    wait_for_live_figures(page, root)
    final = root.locator("[data-demo-output] figure.itt-chart")
    assert final.count() == 1, "one figure: the live one, redrawn with the final version"
    assert final.locator("figcaption").inner_text() == "Loss after 60 steps."
    assert page.evaluate("([a, b]) => a === b", [handle, final.element_handle()]), \
        "the final version is drawn in the element the live versions used"
    (spec,) = live_figures(root)
    assert len(spec["layer"][0]["data"]["values"]) == 60
    assert not figure_problems(page, root)
    root.get_by_role("button", name="Reset", exact=True).click()
