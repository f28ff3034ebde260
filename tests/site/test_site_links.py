"""Every internal link of the built site resolves (anchors included), and no page or
stylesheet makes the browser fetch anything from another origin."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from site_html import EXTERNAL, parse_page

SKIPPED_SCHEMES = ("mailto:", "data:", "javascript:", "tel:", "blob:")


@pytest.fixture(scope="module")
def pages(built_site):
    return {path: parse_page(path) for path in sorted(built_site.rglob("*.html"))}


def _target(site: Path, page: Path, url: str):
    """(file, fragment) that a relative ``url`` on ``page`` points to."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    base = site if path.startswith("/") else page.parent
    target = (base / path.lstrip("/")).resolve()
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def test_site_has_pages(pages):
    assert len(pages) >= 18, f"only {len(pages)} HTML pages were built"


def test_internal_links_resolve(built_site, pages):
    broken = []
    for page, parsed in pages.items():
        for tag, attribute, url in parsed.links:
            if EXTERNAL.match(url) or url.lower().startswith(SKIPPED_SCHEMES):
                continue
            target, fragment = _target(built_site, page, url)
            where = f"{page.relative_to(built_site)}: <{tag} {attribute}={url!r}>"
            if not target.is_file():
                broken.append(f"{where} -> missing {target}")
            elif fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse_page(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{where} -> no id {fragment!r} in {target.name}")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:50])


def test_no_external_fetch_in_html(built_site, pages):
    external = [
        f"{page.relative_to(built_site)}: <{tag} {attribute}={url!r}>"
        for page, parsed in pages.items()
        for tag, attribute, url in parsed.fetched
        if EXTERNAL.match(url) or any(EXTERNAL.match(part.strip()) for part in url.split(","))
    ]
    assert not external, "assets fetched from another origin:\n" + "\n".join(external[:50])


def test_no_google_fonts(built_site, pages):
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, (
            f"{page.relative_to(built_site)} refers to Google Fonts (theme.font must be false)"
        )


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


def test_stylesheets_fetch_nothing_external_and_resolve(built_site):
    problems = []
    sheets = sorted(built_site.rglob("*.css"))
    assert sheets, "no stylesheets in the built site"
    for sheet in sheets:
        for match in CSS_URL.finditer(sheet.read_text(encoding="utf-8")):
            url = match.group(2) or match.group(4)
            if url.startswith("data:") or url.startswith("#"):
                continue
            where = f"{sheet.relative_to(built_site)}: url({url})"
            if EXTERNAL.match(url):
                problems.append(f"{where} is on another origin")
                continue
            target = (sheet.parent / unquote(urlsplit(url).path)).resolve()
            if not target.is_file():
                problems.append(f"{where} -> missing {target}")
    assert not problems, "\n".join(problems[:50])
