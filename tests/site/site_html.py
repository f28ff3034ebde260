"""Small HTML readers for the site tests (standard library only)."""
from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

# Attributes that make the browser fetch something, per tag.
FETCHING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
FETCHING_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch",
                      "manifest", "preconnect", "dns-prefetch", "apple-touch-icon"}
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class PageParser(HTMLParser):
    """Collects links, fetched resources, element ids and demo blocks of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []  # (tag, attribute, value): every href/src
        self.fetched = []  # (tag, attribute, value): what the browser loads by itself
        self.ids = set()
        # dicts: id, meta (text), outputs [text of <pre>], images (Matplotlib <img> attrs),
        # charts [{attrs, spec (JSON text), alt, caption}] (pycore.figures), note
        self.demos = []
        self._stack = []
        self._capture = None
        self._demo_depth = None  # stack depth of the open .itt-demo div, None outside one

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append((tag, name, attrs[name]))
        for name in FETCHING.get(tag, ()):
            if attrs.get(name):
                self.fetched.append((tag, name, attrs[name]))
        if tag == "link" and attrs.get("href"):
            rels = set((attrs.get("rel") or "").lower().split())
            if rels & FETCHING_LINK_RELS:
                self.fetched.append((tag, "href", attrs["href"]))
        classes = set((attrs.get("class") or "").split())
        if tag == "div" and "itt-demo" in classes:
            self.demos.append({"id": attrs.get("data-demo"), "meta": "", "outputs": [],
                               "images": [], "charts": [], "note": "",
                               "build_output": False})
            self._demo_depth = len(self._stack) + 1
        if self._demo_depth is None:
            # Outside a demo (prose, diagrams' <figure>/<figcaption>): nothing belongs to one.
            self._push(tag)
            return
        if self.demos and tag == "div" and "data-build-output" in attrs:
            self.demos[-1]["build_output"] = True
        if self.demos and tag == "img" and "itt-demo-figure" in classes:
            self.demos[-1]["images"].append(attrs)
        if self.demos and tag == "figure" and "itt-chart" in classes:
            self.demos[-1]["charts"].append({"attrs": attrs, "spec": "", "alt": None,
                                             "caption": ""})
        charts = self.demos[-1]["charts"] if self.demos else []
        if charts and tag == "div" and "itt-chart-static" in classes:
            charts[-1]["alt"] = attrs.get("aria-label")
        if self.demos and tag == "template" and "itt-demo-meta" in classes:
            self._capture = ("meta", [])
        elif charts and tag == "template" and "itt-chart-spec" in classes:
            self._capture = ("chart_spec", [])
        elif charts and tag == "figcaption":
            self._capture = ("chart_caption", [])
        elif self.demos and self.demos[-1]["build_output"] and tag == "pre":
            self._capture = ("outputs", [])
        elif self.demos and tag == "p" and "itt-demo-note" in classes:
            self._capture = ("note", [])
        self._push(tag)

    def _push(self, tag):
        if tag not in ("img", "link", "meta", "br", "hr", "input", "source", "area", "wbr"):
            self._stack.append(tag)

    def handle_endtag(self, tag):
        if self._capture and tag in ("template", "pre", "p", "figcaption"):
            kind, parts = self._capture
            text = "".join(parts)
            if kind == "outputs":
                self.demos[-1]["outputs"].append(text)
            elif kind.startswith("chart_"):
                self.demos[-1]["charts"][-1][kind[len("chart_"):]] = text
            else:
                self.demos[-1][kind] = text
            self._capture = None
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()
            if self._demo_depth is not None and len(self._stack) < self._demo_depth:
                self._demo_depth = None

    def handle_data(self, data):
        if self._capture:
            self._capture[1].append(data)


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def demo_meta(demo) -> dict:
    return json.loads(demo["meta"])


def page_for(site: Path, markdown_path: str) -> Path:
    """The built HTML of a docs/ Markdown path (use_directory_urls layout)."""
    stem = markdown_path[: -len(".md")]
    if stem == "index":
        return site / "index.html"
    if stem.endswith("/index"):
        return site / stem[: -len("index")] / "index.html"
    return site / stem / "index.html"


def visible_text(page_html: str) -> str:
    """Page text with tags removed and entities decoded (scripts and styles dropped)."""
    without = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", without))
