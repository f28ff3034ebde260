"""MkDocs hook: render the pages' maths with KaTeX at build time.

pymdownx.arithmatex (generic mode) leaves each formula as ``\\(...\\)`` or ``\\[...\\]`` text in
``<span class="arithmatex">`` / ``<div class="arithmatex">``. This hook replaces that text
with KaTeX's HTML (rendered by ``hooks/render_maths.cjs`` with the site's own KaTeX from
node_modules), inside the same element. The page then needs only KaTeX's CSS and fonts: no
272 kB script to download and no formula rendering on the main thread while Python loads,
and the maths is typeset at first paint.

It runs after the demo hook (mkdocs.yml lists it later), so prose numbers inside maths are
already filled in. Rendered formulas are cached in ``.cache/maths/`` by their TeX.
"""
from __future__ import annotations

import functools
import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

REPO = Path(__file__).resolve().parents[1]
RENDERER = Path(__file__).with_name("render_maths.cjs")
CACHE_DIR = REPO / ".cache" / "maths"
# KaTeX version from its package, so a KaTeX upgrade never reuses an old rendering.
KATEX_PACKAGE = REPO / "node_modules" / "katex" / "package.json"

# arithmatex's output: the element, then the delimited TeX (HTML-escaped) and nothing else.
FORMULA = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*'
    r"(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])"
    r"\s*</(?P=tag)>",
    re.S,
)
# KaTeX's visual half repeats the MathML half for sighted readers: kept out of the search
# index, which then holds the formula's MathML text and its TeX annotation once. Material's
# search parser matches an excluded element's end by tag name alone, so an excluded <span>
# stops being excluded at the first inner </span>: the visual half goes inside an element of
# its own tag, VISUAL_WRAPPER (display: contents, stylesheets/theme.css), which is excluded.
VISUAL_HALF = '<span class="katex-html" aria-hidden="true">'
VISUAL_WRAPPER = "itt-katex-visual"
# KaTeX's output ends by closing .katex (inline), or .katex and .katex-display (display).
KATEX_CLOSE = {False: "</span>", True: "</span></span>"}


@functools.lru_cache(maxsize=None)
def _katex_version():
    return json.loads(KATEX_PACKAGE.read_text(encoding="utf-8"))["version"]


def _cache_file(tex, display):
    key = hashlib.sha256(f"{_katex_version()}\0{int(display)}\0{tex}".encode()).hexdigest()
    return CACHE_DIR / f"{key[:32]}.html"


def render(formulas):
    """KaTeX HTML for each ``(tex, display)`` in ``formulas``, in order (cached on disk)."""
    rendered = {}
    missing = []
    for tex, display in dict.fromkeys(formulas):
        cached = _cache_file(tex, display)
        if cached.is_file():
            rendered[tex, display] = cached.read_text(encoding="utf-8")
        else:
            missing.append((tex, display))
    if missing:
        node = shutil.which("node")
        if node is None or not KATEX_PACKAGE.is_file():
            raise PluginError("rendering maths needs node and KaTeX: run `npm ci`")
        finished = subprocess.run([node, str(RENDERER)], input=json.dumps(missing),
                                  capture_output=True, text=True, check=False)
        if finished.returncode != 0:
            raise PluginError(f"KaTeX could not render the maths: {finished.stderr.strip()}")
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        for (tex, display), output in zip(missing, json.loads(finished.stdout)):
            _cache_file(tex, display).write_text(output, encoding="utf-8")
            rendered[tex, display] = output
    return [rendered[formula] for formula in formulas]


def _exclude_visual_half(typeset, display):
    """KaTeX's HTML ``typeset``, its visual half wrapped in VISUAL_WRAPPER (out of search)."""
    start = typeset.find(VISUAL_HALF)
    close = KATEX_CLOSE[display]
    if start < 0 or not typeset.endswith(close):
        raise PluginError(f"unexpected KaTeX output (has KaTeX changed?): {typeset[:120]}")
    end = len(typeset) - len(close)
    return (f"{typeset[:start]}<{VISUAL_WRAPPER} data-search-exclude>{typeset[start:end]}"
            f"</{VISUAL_WRAPPER}>{close}")


def render_page_maths(page_html):
    """``page_html`` with every arithmatex formula typeset by KaTeX."""
    matches = list(FORMULA.finditer(page_html))
    if not matches:
        return page_html
    formulas = []
    for match in matches:
        display = match.group("display") is not None
        tex = match.group("display") if display else match.group("inline")
        formulas.append((html.unescape(tex).strip(), display))
    parts, end = [], 0
    for match, (_, display), output in zip(matches, formulas, render(formulas)):
        typeset = _exclude_visual_half(output, display)
        parts += [page_html[end:match.start()],
                  f'<{match.group("tag")} class="arithmatex">{typeset}</{match.group("tag")}>']
        end = match.end()
    parts.append(page_html[end:])
    return "".join(parts)


def on_page_content(html, page, config, files):  # noqa: ARG001 - MkDocs hook signature
    return render_page_maths(html)
