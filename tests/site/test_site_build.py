"""The strict build: every page is built, the runtime config points at files that exist, the
vendored assets are in place, and the API reference documents every pycore module."""
from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import pytest
from pages_on_disk import REPO, docs_pages
from site_html import page_for

from hooks import api_reference

NAV_TAIL = ["notation.md", "glossary.md", "references.md", "api.md"]


def test_every_page_is_built(built_site):
    missing = [page for page, _ in docs_pages() if not page_for(built_site, page).is_file()]
    assert not missing, f"pages missing from the build: {missing}"
    chapters = sorted((REPO / "docs" / "chapters").glob("[0-9][0-9]-*.md"))
    assert len(chapters) == 13, f"expected 13 chapters, found {len(chapters)}"
    print(f"build took {getattr(built_site, 'seconds', 0):.1f} s")


def test_nav_lists_reference_pages():
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for page in NAV_TAIL:
        assert re.search(rf":\s*{re.escape(page)}\s*$", config, re.M), f"{page} not in the nav"


def _runtime_config(page_html):
    match = re.search(r'<script id="itt-config" type="application/json">(.*?)</script>',
                      page_html, re.S)
    assert match, "no itt-config script in the page"
    return json.loads(match.group(1))


def test_runtime_config_resolves_from_every_depth(built_site):
    for page in ["index.md", "chapters/04-attention.md", "api.md"]:
        built = page_for(built_site, page)
        config = _runtime_config(built.read_text(encoding="utf-8"))
        assert set(config) == {"pyodideBase", "pythonZip", "workerUrl", "hasDemos"}
        # A page with demos starts Python as soon as its script runs (web/main.js).
        assert config["hasDemos"] is (page != "api.md"), f"{page}: hasDemos is wrong"
        page_url = "https://host.example/sub/" + built.relative_to(built_site).as_posix()
        for key, name in (("pyodideBase", "pyodide.js"), ("pythonZip", ""), ("workerUrl", "")):
            url = urljoin(urljoin(page_url, config[key]), name)
            assert url.startswith("https://host.example/sub/"), f"{page}: {key} leaves the site"
            target = built_site / url[len("https://host.example/sub/"):]
            assert target.is_file(), f"{page}: {key} -> {url} is not in the site"


BOOT_SCRIPT = re.compile(
    r'<script id="itt-boot" data-worker="([^"]+)" data-pyodide="([^"]+)">(.*?)</script>', re.S)
WORKER_SOURCE = re.compile(r'<script id="itt-worker-source" type="text/plain">(.*?)</script>', re.S)


def test_pages_with_demos_start_python_first_thing(built_site):
    """web/boot.js starts the worker before the stylesheets and every other script (the
    parser waits for coi-serviceworker.js), inline, from the worker's script written into the
    page; only on pages with demos."""
    build = REPO / "docs" / "assets" / "build"
    boot = (build / "itt-boot.js").read_text(encoding="utf-8").strip()
    worker_script = (build / "itt-worker.js").read_text(encoding="utf-8").strip()
    # Still served: a worker started later (a restart) is started from the file.
    assert (built_site / "assets" / "build" / "itt-worker.js").read_text(encoding="utf-8") \
        .strip() == worker_script
    assert not (built_site / "assets" / "build" / "itt-boot.js").exists(), "inline, yet also a file"
    for page in ["index.md", "chapters/04-attention.md", "api.md", "glossary.md"]:
        built = page_for(built_site, page)
        html = built.read_text(encoding="utf-8")
        match = BOOT_SCRIPT.search(html)
        source = WORKER_SOURCE.search(html)
        if 'class="itt-demo"' not in html:
            assert match is None and source is None, f"{page} has no demo but starts Python"
            continue
        assert match, f"{page} has demos but no boot script"
        assert source and source.group(1) == worker_script, f"{page}: no inline worker script"
        assert html.index(source.group(0)) < html.index(match.group(0)), (
            f"{page}: the worker's script must come before the boot script that reads it")
        assert html.index(match.group(0)) < html.index('rel="stylesheet"'), (
            f"{page}: the boot script must come before the stylesheets")
        first_script = re.search(r"<script(?![^>]*type=\"text/plain\")[^>]*>", html)
        assert first_script.group(0).startswith('<script id="itt-boot"'), (
            f"{page}: {first_script.group(0)} runs before the boot script")
        worker, pyodide, script = match.groups()
        assert script == boot, f"{page}: the inline boot script is not the built web/boot.js"
        page_url = "https://host.example/sub/" + built.relative_to(built_site).as_posix()
        for url, name in ((worker, ""), (pyodide, "pyodide.js")):
            target = urljoin(urljoin(page_url, url), name)
            assert target.startswith("https://host.example/sub/"), f"{page}: {url} leaves the site"
            assert (built_site / target[len("https://host.example/sub/"):]).is_file(), (
                f"{page}: {url} is not in the site")


def test_runtime_bundle_and_maths_are_loaded(built_site):
    page = page_for(built_site, "index.md").read_text(encoding="utf-8")
    for asset in ["assets/build/itt.js", "javascripts/scroll-focus.js",
                  "assets/build/fonts/fonts.css", "assets/build/katex/katex.min.css",
                  "stylesheets/theme.css"]:
        assert f'"{asset}"' in page, f"index.html does not load {asset}"
        assert (built_site / asset).is_file(), f"{asset} is not in the site"
    # The maths is typeset at build time (hooks/maths.py): no KaTeX script reaches the page.
    assert "katex.min.js" not in page and "auto-render" not in page
    assert not (built_site / "assets/build/katex/katex.min.js").exists()
    fonts = list((built_site / "assets/build/katex/fonts").glob("*.woff2"))
    assert fonts, "KaTeX's fonts are not in the site"


def test_every_formula_is_typeset_at_build_time(built_site):
    """No page is left with raw \\( \\) or \\[ \\] TeX for the browser to render."""
    for page, _ in docs_pages():
        built = page_for(built_site, page).read_text(encoding="utf-8")
        for match in re.finditer(r'<(span|div) class="arithmatex">(.{0,40})', built, re.S):
            assert match.group(2).startswith('<span class="katex'), (
                f"{page}: formula not typeset: {match.group(2)!r}")
        assert "katex-error" not in built, f"{page}: KaTeX rejected a formula"


def test_fonts_are_self_hosted(built_site):
    css = (built_site / "assets/build/fonts/fonts.css").read_text(encoding="utf-8")
    for family in ("IBM Plex Sans", "IBM Plex Serif", "IBM Plex Mono"):
        assert f"font-family: '{family}'" in css, f"{family} has no @font-face"
    for name in re.findall(r"url\(([^)]+)\)", css):
        assert (built_site / "assets/build/fonts" / name).is_file(), f"missing font {name}"


def test_api_reference_documents_every_module(built_site):
    api = page_for(built_site, "api.md").read_text(encoding="utf-8")
    modules = api_reference.public_modules()
    assert "softmax" in modules and "attention" in modules
    missing = [name for name in modules if f'id="pycore.{name}"' not in api]
    assert not missing, f"API page lacks sections for {missing}"


def test_references_page_has_the_required_papers(built_site):
    page = page_for(built_site, "references.md").read_text(encoding="utf-8")
    anchors = ["vaswani2017", "ba2016", "xiong2020", "zhang2019", "su2021", "press2022",
               "shazeer2019", "ainslie2023", "shazeer2020", "dao2022", "leviathan2023",
               "hoffmann2022", "holtzman2020", "loshchilov2019", "geva2021", "clark2019",
               "elhage2021", "phuong2022", "li2018"]
    missing = [anchor for anchor in anchors if f'id="{anchor}"' not in page]
    assert not missing, f"references page lacks {missing}"


def test_search_index_holds_prose_not_code_or_drawings(built_site):
    """Demo code, figure drawings and their data stay out of the search index.

    Material's search worker downloads and indexes search_index.json on every page view,
    while Python loads: each kilobyte here is paid before the first live result.
    """
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    chapters = [doc for doc in index["docs"] if doc["location"].startswith("chapters/")]
    text = " ".join(doc["text"] for doc in chapters)
    assert "@param" not in text, "a demo's code is in the search index"
    assert "import pycore as pc" not in text, "a demo's code is in the search index"
    assert '"$schema"' not in text, "a figure's spec is in the search index"
    # KaTeX's visual half (its zero-width struts, each letter again) is not; the formula's
    # MathML text and TeX are, once.
    assert "\u200b" not in text, "KaTeX's visual half is in the search index"
    maths = [doc["text"] for doc in chapters if "\\sqrt{d_k}" in doc["text"]]
    assert maths, "no formula's TeX is in the search index"
    # The prose and the build-time output are still found.
    assert "Output computed at build time" in text
    assert any("softmax" in doc["text"] for doc in chapters)


def test_boot_script_that_would_end_its_inline_element_fails_the_build(tmp_path):
    """A bundle holding '</script' would cut the inline boot script short: the build stops."""
    from mkdocs.exceptions import PluginError

    from hooks import assets

    build = tmp_path / "assets" / "build"
    build.mkdir(parents=True)
    (build / "itt-boot.js").write_text('(()=>{const s="</script>";})();\n', encoding="utf-8")
    with pytest.raises(PluginError, match="inline script"):
        assets.inline_script(tmp_path)
    (build / "itt-boot.js").write_text("(()=>{})();\n", encoding="utf-8")
    assert assets.inline_script(tmp_path) == "(()=>{})();"
