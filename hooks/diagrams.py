"""MkDocs hook: inline the book's diagrams (CONTRIBUTING.md, "Diagrams").

``{{ diagram("04/attention-one-query") }}`` on a line of its own becomes

    <figure class="itt-diagram" id="diagram-04-attention-one-query">
      <svg class="itt-diagram-single" ...>...</svg>      (or -wide and -narrow, see below)
      <figcaption>what to notice</figcaption>
    </figure>

The SVG is read from ``docs/diagrams/04/attention-one-query.svg`` and inlined (not an
``<img>``), so its classes take their colours from the theme (stylesheets/diagrams.css) and
follow the light and dark palettes. If ``attention-one-query.narrow.svg`` exists too, both are
inlined and the stylesheet shows the one that fits the column. The caption is the root
element's ``data-caption`` attribute (scripts/diagrams.py writes it).

An unknown or malformed diagram name, a macro that is not alone on its line, or an SVG
without ``<title>``, ``<desc>`` or caption stops the build with a message naming the page.
Macros inside fenced code blocks are left alone, so a page can show the syntax (the grammar
and the fence tracking are demos/pages.py's, shared with the demo macros of
hooks/demo_macros.py); this hook only reads ``diagram``.
"""
import html
import os
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from mkdocs.exceptions import PluginError

from demos import pages

ROOT = Path(__file__).resolve().parent.parent
DIAGRAM_DIR = ROOT / "docs" / "diagrams"
SVG_NS = "{http://www.w3.org/2000/svg}"

DIAGRAM_NAME = re.compile(r"^[0-9]{2}/[a-z0-9]+(?:-[a-z0-9]+)*$")
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_VIEWBOX = re.compile(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"')
_CAPTION_ATTR = re.compile(r'\s+data-caption="([^"]*)"')

# page src_uri -> {placeholder: figure HTML}, waiting for on_page_content.
_pending = {}


def diagram_files(name):
    """(main SVG path, narrow SVG path or None) of ``name``; PluginError if unknown."""
    if not DIAGRAM_NAME.match(name):
        raise PluginError(f"diagram name {name!r} is not of the form 'NN/lower-case-words'")
    main = DIAGRAM_DIR / f"{name}.svg"
    if not main.is_file():
        known = ", ".join(sorted(
            path.relative_to(DIAGRAM_DIR).as_posix()[: -len(".svg")]
            for path in DIAGRAM_DIR.glob("*/*.svg") if not path.name.endswith(".narrow.svg")
        ))
        raise PluginError(f"unknown diagram {name!r}: there is no file "
                          f"docs/diagrams/{name}.svg (known: {known or 'none'})")
    narrow = DIAGRAM_DIR / f"{name}.narrow.svg"
    return main, (narrow if narrow.is_file() else None)


def _checked_svg(path, name):
    """(svg text without its caption attribute, caption, viewBox width)."""
    text = path.read_text(encoding="utf-8")
    where = f"diagram {name!r} ({path.name})"
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise PluginError(f"{where} is not valid XML: {error}") from None
    if root.tag != SVG_NS + "svg":
        raise PluginError(f"{where}: the root element is {root.tag!r}, not an SVG <svg>")
    for part in ("title", "desc"):
        element = root.find(SVG_NS + part)
        if element is None or not (element.text or "").strip():
            raise PluginError(f"{where} has no <{part}>: every diagram needs a title and a "
                              "description for screen readers")
    caption = (root.get("data-caption") or "").strip()
    if not caption:
        raise PluginError(f"{where} has no data-caption: say in one line what to notice")
    viewbox = _VIEWBOX.search(text)
    if not viewbox:
        raise PluginError(f"{where} needs viewBox=\"0 0 width height\"")
    opening = _SVG_OPEN.search(text).group(0)
    return text.replace(opening, _CAPTION_ATTR.sub("", opening), 1).strip(), caption, \
        float(viewbox.group(1))


def _with_class(svg, cls, width):
    """``svg`` with a class and its drawing width (a CSS variable) on the root element."""
    return svg.replace(
        "<svg ", f'<svg class="{cls}" style="--itt-diagram-width: {width:g}" ', 1
    )


def render_diagram(name):
    """The ``<figure>`` HTML of diagram ``name``."""
    main, narrow = diagram_files(name)
    svg, caption, width = _checked_svg(main, name)
    if narrow is None:
        body = _with_class(svg, "itt-diagram-single", width)
    else:
        narrow_svg, _, narrow_width = _checked_svg(narrow, name)
        body = (_with_class(svg, "itt-diagram-wide", width) + "\n"
                + _with_class(narrow_svg, "itt-diagram-narrow", narrow_width))
    anchor = "diagram-" + name.replace("/", "-")
    return (f'<figure class="itt-diagram" id="{anchor}">\n{body}\n'
            f"<figcaption>{html.escape(caption, quote=False)}</figcaption>\n"
            "</figure>")


def render_markdown(markdown, page_label="<page>"):
    """Replace diagram lines by placeholders; returns (markdown, {placeholder: figure HTML})."""
    lines = markdown.split("\n")
    placeholders = {}
    for number, line in pages.outside_fences(lines):
        try:
            diagram = pages.diagram_line(line)
            if diagram:
                indent, name = diagram
                token = f"itt-diagram-placeholder-{len(placeholders)}-{os.getpid()}"
                placeholders[token] = render_diagram(name)
                lines[number] = indent + token
            elif pages.ANY_DIAGRAM.search(line):
                raise PluginError("cannot read this macro (a diagram must be alone on its "
                                  f"line, its name in quotes): {line.strip()!r}")
        except PluginError as error:
            raise PluginError(f"{page_label}, line {number + 1}: {error}") from None
    return "\n".join(lines), placeholders


# ----------------------------------------------------------------------------- MkDocs events
def on_pre_build(config):
    _pending.clear()


def on_page_markdown(markdown, page, config, files):
    markdown, placeholders = render_markdown(markdown, page.file.src_uri)
    _pending[page.file.src_uri] = placeholders
    return markdown


def on_page_content(content, page, config, files):
    try:
        return pages.swap_placeholders(content, _pending.pop(page.file.src_uri, {}),
                                       page.file.src_uri, "diagram")
    except pages.MacroError as error:
        raise PluginError(str(error)) from None
