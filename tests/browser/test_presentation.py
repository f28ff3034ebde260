"""The demo as a reader meets it (issue 17): output first, code on demand, no sideways page.

Runs against the built site (``built_site``; ``ITT_BROWSER_SITE=<dir>`` tests a prebuilt one).
Measurements are taken once the page's script has enhanced every demo and built every editor
(they are built once Python is ready and the page quiet: web/lazy-editor.js), before any Run.
"""
from __future__ import annotations

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from helpers import (  # noqa: E402
    MARK_TIME,
    REPO,
    HeldPythonZip,
    PageWatch,
    wait_for_python_ready,
)
from playwright.sync_api import expect  # noqa: E402

from demos.pages import demo_notebook_path  # noqa: E402

CHAPTERS = [
    "01-big-picture", "02-tokens-embeddings", "03-positional-encoding", "04-attention",
    "05-softmax-scaling", "06-multi-head", "07-attention-block", "08-transformer-block",
    "09-stacking-decoder", "10-cross-attention", "11-decoding", "12-training",
    "13-engineering",
]
EDITOR_SHARE_MAX = 0.25  # of a chapter's height, at desktop width, nothing expanded
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

ENHANCED = """() => {
  const demos = [...document.querySelectorAll('.itt-demo')];
  const built = (demo) => demo.querySelector('.itt-demo-editor .cm-editor') !== null;
  const enhanced = (demo) => demo.dataset.demoEnhanced === 'true';
  return demos.length > 0 && demos.every((demo) => enhanced(demo) && built(demo));
}"""

EDITOR_SHARE = """() => {
  const editors = [...document.querySelectorAll('.itt-demo-code')];
  const height = document.documentElement.scrollHeight;
  const code = editors.reduce((sum, node) => sum + node.getBoundingClientRect().height, 0);
  return {code, height, editors: editors.length};
}"""

ORDER = """() => [...document.querySelectorAll('.itt-demo')].map((demo) => {
  const top = (selector) => {
    const node = demo.querySelector(selector);
    return node ? node.getBoundingClientRect().top : null;
  };
  return {
    id: demo.dataset.demo, controls: top('.itt-demo-controls'), output: top('[data-demo-output]'),
    code: top('.itt-demo-code'), expanded: demo.querySelector('.itt-demo-code').dataset.expanded,
    toggle: demo.querySelector('.itt-demo-showcode').textContent,
  };
})"""


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


def _open(context, url, scheme="default"):
    page = context.new_page()
    watch = PageWatch(page, url)
    page.add_init_script(
        "localStorage.setItem('/.__palette', JSON.stringify("
        f"{{index: {1 if scheme == 'slate' else 0}, color: {{scheme: '{scheme}'}}}}))"
    )
    page.goto(url)
    page.wait_for_function(ENHANCED, timeout=180_000)
    page.evaluate("document.fonts.ready")
    return page, watch


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_editors_take_at_most_a_quarter_of_each_chapter(context, site_url, chapter):
    page, watch = _open(context, f"{site_url.rstrip('/')}/chapters/{chapter}/")
    try:
        share = page.evaluate(EDITOR_SHARE)
        assert share["editors"] > 0, f"{chapter}: no demo code on the page"
        fraction = share["code"] / share["height"]
        assert fraction <= EDITOR_SHARE_MAX, (
            f"{chapter}: demo code takes {share['code']:.0f} of {share['height']} px "
            f"({fraction:.0%} > {EDITOR_SHARE_MAX:.0%})"
        )
        # Output first: controls, then output, then the (collapsed) code.
        for demo in page.evaluate(ORDER):
            assert demo["expanded"] == "false", demo
            assert demo["toggle"].startswith("Show all code"), demo
            if demo["controls"] is not None:
                assert demo["controls"] < demo["output"], demo
            assert demo["output"] < demo["code"], demo
        assert not watch.errors, watch.errors
    finally:
        page.close()


def test_show_all_code_expands_and_unfolds(context, site_url):
    page, watch = _open(context, f"{site_url.rstrip('/')}/chapters/01-big-picture/")
    try:
        demo = page.locator(".itt-demo").first
        editor = demo.locator(".itt-demo-editor")
        collapsed = editor.bounding_box()["height"]
        assert demo.locator(".itt-fold").count() >= 1, "the imports or the result were not folded"
        full_text = demo.evaluate("(node) => node.querySelector('.cm-content').textContent")
        assert "import " not in full_text, "imports stay visible in the collapsed view"
        demo.locator(".itt-demo-showcode").click()
        assert demo.locator(".itt-demo-showcode").get_attribute("aria-expanded") == "true"
        assert demo.locator(".itt-fold").count() == 0
        page.wait_for_timeout(100)
        assert editor.bounding_box()["height"] > collapsed
        text = demo.evaluate("(node) => node.querySelector('.cm-content').textContent")
        assert "import " in text
        demo.locator(".itt-demo-showcode").click()
        assert demo.locator(".itt-fold").count() >= 1
        assert not watch.errors, watch.errors
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_sideways_scroll_at_phone_width(browser, site_url, chapter, scheme):
    context = browser.new_context(viewport=PHONE)
    try:
        page, watch = _open(context, f"{site_url.rstrip('/')}/chapters/{chapter}/", scheme)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"{chapter} ({scheme}): page {widths[0]} px wide at 390 px"
        assert not watch.errors, watch.errors
    finally:
        context.close()


CONTROLS = """() => [...document.querySelectorAll('.itt-control')].map((row) => {
  const label = row.querySelector('label');
  const input = row.querySelector('input, select');
  const box = (node) => { const r = node.getBoundingClientRect(); return [r.width, r.height]; };
  return {demo: row.closest('.itt-demo').dataset.demo, param: row.dataset.param,
          hidden: row.hidden, label: label.textContent, labelBox: box(label),
          inputBox: box(input), type: input.type,
          symbol: label.classList.contains('itt-control-symbol')};
})"""


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_control_has_a_visible_human_label(context, site_url, chapter):
    page, watch = _open(context, f"{site_url.rstrip('/')}/chapters/{chapter}/")
    try:
        for control in page.evaluate(CONTROLS):
            if control["hidden"]:
                continue
            assert control["label"].strip(), control
            assert control["labelBox"][0] > 0 and control["labelBox"][1] > 0, control
            # A raw Python name never shows as a label, except a symbol of the maths (T, d_k).
            if "_" in control["label"]:
                assert control["symbol"] and len(control["label"]) <= 5, control
        assert not watch.errors, watch.errors
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_a_when_condition_hides_its_control(browser, site_url, scheme):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page, watch = _open(context, f"{site_url.rstrip('/')}/chapters/11-decoding/", scheme)
        demo = page.locator('.itt-demo[data-demo="11/playground"]')
        beam = demo.locator('.itt-control[data-param="beam_width"]')
        top_k = demo.locator('.itt-control[data-param="top_k"]')
        assert beam.is_hidden() and top_k.is_visible()  # the book's strategy is "sample"
        demo.get_by_label("Strategy", exact=True).select_option(label="beam")
        assert beam.is_visible() and top_k.is_hidden()
        assert demo.get_by_label("Beam width", exact=True).is_enabled()
        demo.get_by_role("button", name="Stop", exact=True).click()  # the change queued a run
        assert not watch.errors, watch.errors
    finally:
        context.close()


@pytest.mark.parametrize("chapter", ["04-attention", "11-decoding", "12-training"])
def test_touch_targets_at_phone_width(browser, site_url, chapter):
    context = browser.new_context(viewport=PHONE)
    try:
        page, _ = _open(context, f"{site_url.rstrip('/')}/chapters/{chapter}/")
        controls = [control for control in page.evaluate(CONTROLS) if not control["hidden"]]
        assert controls
        for control in controls:
            assert control["inputBox"][1] >= 44, control
        heights = page.evaluate(
            "() => [...document.querySelectorAll('.itt-demo-button')]"
            ".filter((node) => node.getClientRects().length > 0)"  # shown ones only
            ".map((node) => node.getBoundingClientRect().height)")
        assert min(heights) >= 44, heights
    finally:
        context.close()


def test_run_shows_indicator_then_duration_and_reset_restores(browser, site_url):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page, watch = _open(context, f"{site_url.rstrip('/')}/chapters/04-attention/")
        demo = page.locator(".itt-demo").first
        page.wait_for_function(
            "() => document.querySelector('.itt-demo-status').textContent === 'Python ready'",
            timeout=60_000)
        state = demo.locator(".itt-demo-runstate")
        # Every text the indicator shows, recorded as it changes (a quick run ends fast).
        state.evaluate("(node) => { window.ittStates = []; new MutationObserver(() => "
                       "window.ittStates.push(node.textContent)).observe(node, "
                       "{childList: true, characterData: true, subtree: true}); }")
        demo.get_by_role("button", name="Run", exact=True).click()
        page.wait_for_function(
            "(node) => /^Ran in [0-9.]+ s$/.test(node.textContent)", arg=state.element_handle(),
            timeout=60_000)
        shown = page.evaluate("window.ittStates")
        assert any(text.startswith("Running… ") for text in shown), shown
        output = demo.locator("[data-demo-output]")
        assert "Live output" in output.inner_text()
        assert "Output computed at build time" not in output.inner_text()
        assert demo.locator(".itt-demo-status").inner_text() == "Python ready"
        demo.get_by_role("button", name="Reset", exact=True).click()
        assert "Output computed at build time" in output.inner_text()
        assert "Live output" not in output.inner_text()
        assert state.inner_text() == ""
        assert not watch.errors, watch.errors
    finally:
        context.close()


def _type_into(page, demo, text):
    """Expand the code and type `text` at its very start (the first line is always drawn)."""
    demo.locator(".itt-demo-showcode").click()
    demo.locator(".cm-content").click()
    page.keyboard.press("Control+Home")
    page.keyboard.type(text)


def test_edits_persist_across_reload_then_back_to_the_book(browser, site_url):
    context = browser.new_context(viewport=DESKTOP)
    try:
        url = f"{site_url.rstrip('/')}/chapters/04-attention/"
        page, watch = _open(context, url)
        demo = page.locator(".itt-demo").first
        _type_into(page, demo, "# kept edit\n")
        page.wait_for_timeout(800)  # the save is debounced
        page.reload()
        page.wait_for_function(ENHANCED, timeout=180_000)
        demo = page.locator(".itt-demo").first
        version = demo.locator(".itt-demo-version")
        version.wait_for(state="visible")
        assert "Your edited version" in version.inner_text()
        assert demo.get_attribute("data-demo-version") == "edited"
        demo.locator(".itt-demo-showcode").click()
        assert "# kept edit" in demo.locator(".cm-content").inner_text()
        demo.get_by_role("button", name="Back to the book's code").click()
        assert "kept edit" not in demo.locator(".cm-content").inner_text()
        assert version.is_hidden()
        page.reload()
        page.wait_for_function(ENHANCED, timeout=180_000)
        page.wait_for_timeout(300)
        assert page.locator(".itt-demo").first.locator(".itt-demo-version").is_hidden()
        assert not watch.errors, watch.errors
    finally:
        context.close()


def test_copied_link_round_trips_code_and_controls_without_running(browser, site_url):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page, _ = _open(context, f"{site_url.rstrip('/')}/chapters/11-decoding/")
        demo = page.locator('.itt-demo[data-demo="11/playground"]')
        demo.get_by_label("Strategy", exact=True).select_option(label="beam")
        demo.get_by_role("button", name="Stop", exact=True).click()
        demo.get_by_role("button", name="Copy link").click()
        page.wait_for_function(
            "() => document.querySelector('.itt-demo[data-demo=\"11/playground\"]')"
            ".dataset.shareLink")
        link = demo.get_attribute("data-share-link")
        assert "#itt-share=11%2Fplayground~" in link
    finally:
        context.close()
    fresh = browser.new_context(viewport=DESKTOP)
    try:
        page, watch = _open(fresh, link)
        demo = page.locator('.itt-demo[data-demo="11/playground"]')
        demo.locator(".itt-demo-version").wait_for(state="visible")
        assert "Someone else's version" in demo.locator(".itt-demo-version").inner_text()
        assert demo.get_by_label("Strategy", exact=True).input_value() == '"beam"'
        assert demo.locator('.itt-control[data-param="beam_width"]').is_visible()
        demo.locator(".itt-demo-showcode").click()
        assert 'strategy = "beam"' in demo.locator(".cm-content").inner_text()
        page.wait_for_timeout(1500)
        assert demo.get_attribute("data-demo-runs") is None, "a shared link ran by itself"
        assert "Output computed at build time" in demo.locator("[data-demo-output]").inner_text()
        assert not watch.errors, watch.errors
    finally:
        fresh.close()


def test_downloads_have_the_right_content(browser, site_url):
    import json

    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    try:
        page, watch = _open(context, f"{site_url.rstrip('/')}/chapters/04-attention/")
        demo = page.locator(".itt-demo").first
        demo_id = demo.get_attribute("data-demo")
        meta = json.loads(demo.locator("template.itt-demo-meta").evaluate(
            "(node) => node.content.textContent"))
        with page.expect_download() as info:
            demo.get_by_role("button", name="Download .py").click()
        assert info.value.suggested_filename == demo_id.split("/")[1] + ".py"
        source = open(info.value.path(), encoding="utf-8").read()
        book = (REPO / "demos" / f"{demo_id}.py").read_text(encoding="utf-8")
        assert source.rstrip("\n") == book.rstrip("\n")
        compile(source, demo_id, "exec")
        with page.expect_download() as info:
            demo.get_by_role("button", name="Download result (JSON)").click()
        assert info.value.suggested_filename == demo_id.split("/")[1] + ".json"
        result = json.loads(open(info.value.path(), encoding="utf-8").read())
        assert result == meta["result"]
        assert not watch.errors, watch.errors
    finally:
        context.close()


def test_open_in_notebook_goes_to_the_demos_own_notebook(context, site_url, built_site):
    page, watch = _open(context, f"{site_url.rstrip('/')}/chapters/04-attention/")
    try:
        links = page.locator(".itt-demo-notebook")
        demos = page.locator(".itt-demo")
        assert links.count() == demos.count()
        for index in range(demos.count()):
            demo_id = demos.nth(index).get_attribute("data-demo")
            href = links.nth(index).evaluate("(node) => node.href")
            path = demo_notebook_path(demo_id)
            expected = path.replace("/", "%2F")
            assert href.endswith(f"/lite/notebooks/index.html?path={expected}"), href
            assert (built_site / "lite" / "files" / path).is_file(), \
                f"{href} names a notebook the site does not ship"
        assert not watch.errors, watch.errors
    finally:
        page.close()


def test_display_maths_has_paragraph_spacing(context, site_url):
    page, _ = _open(context, f"{site_url.rstrip('/')}/chapters/04-attention/")
    try:
        gaps = page.evaluate("""() => [...document.querySelectorAll('div.arithmatex')]\
          .map((node) => {
          const box = node.getBoundingClientRect();
          const before = node.previousElementSibling, after = node.nextElementSibling;
          return [before ? box.top - before.getBoundingClientRect().bottom : 0,
                  after ? after.getBoundingClientRect().top - box.bottom : 0];
        })""")
        assert gaps, "chapter 04 has no display maths"
        for above, below in gaps:
            assert above <= 30 and below <= 30, gaps  # was 62 px each side
    finally:
        page.close()


def test_traceback_names_the_demo_file_and_line_without_pyodide_frames(browser, site_url):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page, _ = _open(context, f"{site_url.rstrip('/')}/chapters/04-attention/")
        demo = page.locator(".itt-demo").first
        demo_id = demo.get_attribute("data-demo")
        _type_into(page, demo, "x = 1\nraise ValueError('the reader broke it')\n")
        demo.get_by_role("button", name="Run", exact=True).click()
        page.wait_for_function(
            "(node) => node.dataset.demoState === 'error'", arg=demo.element_handle(),
            timeout=90_000)
        error = demo.locator(".itt-demo-error").inner_text()
        assert f'File "demos/{demo_id}.py", line 2' in error, error
        assert "ValueError: the reader broke it" in error, error
        for internal in ("_base.py", "pyodide", "<unknown>", "<exec>", "runner.py"):
            assert internal not in error, error
        marked = demo.locator(".cm-line.itt-error-line")
        assert marked.count() == 1 and "raise ValueError" in marked.inner_text()
    finally:
        context.close()


def test_figure_downloads_as_svg_and_png(browser, site_url):
    import struct
    import xml.etree.ElementTree as ET

    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    try:
        page, watch = _open(context, f"{site_url.rstrip('/')}/chapters/04-attention/")
        figure = page.locator('.itt-demo figure.itt-chart[data-chart-kind="heatmap"]').first
        figure.scroll_into_view_if_needed()
        page.wait_for_function("(node) => node.dataset.chartDrawn === 'true'",
                               arg=figure.element_handle(), timeout=30_000)
        demo_id = figure.evaluate("(node) => node.closest('.itt-demo').dataset.demo")
        index = figure.evaluate("(node) => [...node.closest('.itt-demo')"
                                ".querySelectorAll('figure.itt-chart')].indexOf(node) + 1")
        stem = f"{demo_id.replace('/', '-')}-figure-{index}"
        drawn_texts = figure.evaluate(
            "(node) => [...node.querySelectorAll('.itt-chart-view svg text')]"
            ".map((t) => t.textContent.trim()).filter(Boolean)")
        width = figure.evaluate("(node) => node.ittView.width() + 0")
        assert drawn_texts, "the drawn figure has no text to compare"
        buttons = figure.locator(".itt-chart-downloads button")
        assert buttons.count() == 2
        for button in buttons.all():  # accessible: named, and the name says which figure
            name = button.get_attribute("aria-label")
            assert name.startswith(("Download SVG: ", "Download PNG: ")), name

        with page.expect_download() as info:
            figure.get_by_role("button", name="Download SVG").click()
        assert info.value.suggested_filename == f"{stem}.svg"
        root = ET.parse(info.value.path()).getroot()
        assert root.tag.endswith("svg")
        texts = [t.text.strip() for t in root.iter() if t.tag.endswith("text") and t.text]
        for label in drawn_texts:  # axis titles, tick and cell labels, legend
            assert label in texts, f"{label!r} missing from the downloaded SVG"
        children = {child.tag.split("}")[-1]: (child.text or "") for child in root}
        caption = figure.locator("figcaption").inner_text().strip()
        assert caption and children.get("title") == caption, children.get("title")
        alt = figure.locator(".itt-chart-static").get_attribute("aria-label")
        assert alt and children.get("desc") == alt, children.get("desc")

        with page.expect_download() as info:
            figure.get_by_role("button", name="Download PNG").click()
        assert info.value.suggested_filename == f"{stem}.png"
        data = open(info.value.path(), "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        png_width, png_height = struct.unpack(">II", data[16:24])
        svg_width = float(root.get("width"))
        assert abs(png_width - 2 * svg_width) <= 2, (png_width, svg_width)  # 2x scale
        assert 100 <= png_height <= 4000 and width > 0
        assert len(data) > 5_000, "an empty image"
        assert not watch.errors, watch.errors
    finally:
        context.close()


def test_editors_wait_for_python_unless_the_reader_reaches_for_the_code(browser, site_url):
    """web/lazy-editor.js: far from the screen, a demo's source is text until Python is ready;
    a reader who reaches for it (focus on the stand-in) gets the editor at once, focused."""
    context = browser.new_context(viewport=DESKTOP)
    held = HeldPythonZip(context, "**/assets/build/python.zip")
    try:
        page = context.new_page()
        watch = PageWatch(page, site_url)
        page.goto(f"{site_url.rstrip('/')}/chapters/04-attention/")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.itt-demo')]"
            ".every((demo) => demo.dataset.demoEnhanced)")
        demos = page.locator(".itt-demo")
        last = demos.last
        stand_in = last.locator(".itt-demo-editor pre.itt-demo-source")
        assert last.locator(".cm-editor").count() == 0, "a far editor was built at load"
        assert "import" in stand_in.inner_text(), "no source is shown before the editor"
        stand_in.focus()  # what a click or Tab on the stand-in (tabindex 0) gives it
        expect(last.locator(".itt-demo-editor .cm-editor")).to_have_count(1)
        assert stand_in.count() == 0
        focused = last.evaluate(
            "(demo) => demo.querySelector('.cm-editor').contains(document.activeElement)")
        assert focused, "focus is not in the new editor"
        held.wait_until_requested(page)
        assert page.evaluate(f"({MARK_TIME})('itt-python-ready')") is None
        held.release()
        wait_for_python_ready(page)
        for index in range(demos.count()):
            editor = demos.nth(index).locator(".itt-demo-editor .cm-editor")
            expect(editor).to_have_count(1, timeout=30_000)
        watch.assert_clean()
    finally:
        context.close()
