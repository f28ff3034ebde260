"""MkDocs hook: render demos and computed prose numbers (CONTRIBUTING.md, "Markdown").

- ``{{ demo("04/worked_example") }}`` on a line of its own becomes the demo's HTML (the DOM
  contract of CONTRIBUTING.md): meta JSON in a ``<template>`` (``<``, ``>`` and ``&`` written
  as JSON escapes, so the HTML parser passes it through unchanged), the escaped source, and
  the output CPython computed at build time (stdout as text, figures as images), marked as
  such.
- Each figure a demo shows (``pycore.figures.show``) becomes a ``<figure class="itt-chart">``
  holding its Vega-Lite spec as escaped JSON in a ``<template>`` (drawn by the page's
  renderer, web/figures.js), a static SVG of it for no-JavaScript and print (made here with
  vl-convert in the light palette of docs/stylesheets/theme.css, cached by spec and theme in
  ``.cache/demos/svg/``, and served as a file of its own under ``assets/figures/`` that a
  lazily loaded image shows), its text alternative and its caption. A Matplotlib figure (a
  reader's own code; no demo of the book draws one) stays a PNG image.
- ``{{ result("04/worked_example", "weights.0.1", ".3f") }}`` becomes the value at that dotted
  path of the demo's build-time ``result``, formatted with the format spec (optional). It is
  text, never markup, in prose and in maths alike: the macro leaves a placeholder token for
  Markdown (which would otherwise read ``[x](javascript:...)``, ``{: onclick=... }`` or a
  newline and ``#`` in a value as syntax), and the HTML-escaped value replaces the token once
  Markdown has run (inside maths, KaTeX reads the unescaped text).

The macro grammar, the result lookup and formatting, and the cached build-time runs live in
importable modules that the notebooks and tests share (demos/pages.py, demos/build_runs.py);
this hook renders the HTML and adapts them to MkDocs. An unknown demo, an unknown key, a bad
format or a demo that fails at build time stops the build with a message naming the page,
the demo and the problem. Macros inside fenced code blocks are left alone, so a page can
show the syntax.
"""
import hashlib
import html
import json
import os
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from demos import pages
from demos.build_runs import BatchError, BuildRuns, shown

ROOT = Path(__file__).resolve().parent.parent
FIGURE_THEME = ROOT / "web" / "figure-theme.json"
THEME_CSS = ROOT / "docs" / "stylesheets" / "theme.css"
SVG_CACHE_DIR = ROOT / ".cache" / "demos" / "svg"
STATIC_WIDTH = 640  # px: a "container" width in the static SVG (the column on a desktop)
VEGA_LITE_VERSION = "v5_20"  # vl-convert's Vega-Lite for the static SVG; specs are v5

# This build's demo runs (replaced by tests with runs of their own demo folder).
RUNS = BuildRuns()
# Page src_uri -> [demo HTML] waiting for on_page_content.
_pending = {}


def format_result(demo_id, dotted_path, spec=""):
    """The formatted value of ``{{ result(demo_id, dotted_path, spec) }}`` (HTML-escaped)."""
    return RUNS.format_result(demo_id, dotted_path, spec)


def result_text(demo_id, dotted_path, spec=""):
    """The formatted value of ``{{ result(demo_id, dotted_path, spec) }}`` as plain text."""
    value = pages.lookup(RUNS.checked(demo_id)["outcome"]["result"], dotted_path, demo_id)
    return pages.format_text(value, spec, demo_id, dotted_path)


# A result's placeholder: letters and digits only, so that neither Markdown nor arithmatex
# changes it (the process id keeps it from matching anything a page could contain).
RESULT_TOKEN = "ittresult{}x{}z"


def is_result_token(token):
    """True for the placeholder of a ``{{ result }}`` (not of a demo)."""
    return re.fullmatch(RESULT_TOKEN.format(r"\d+", r"\d+"), token) is not None


def with_results(markdown, placeholders):
    """``markdown`` with every result placeholder replaced by its value as plain text (what
    the reader will read; for tests and checks of the prose)."""
    for token, value in placeholders.items():
        if is_result_token(token):
            markdown = markdown.replace(token, html.unescape(value))
    return markdown


def _json_for_html(value):
    """JSON text safe inside an HTML element: ``<``, ``>`` and ``&`` as JSON escapes."""
    return (json.dumps(value, sort_keys=True, allow_nan=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


_CSS_VARIABLE = re.compile(r"(--[A-Za-z0-9-]+)\s*:\s*([^;]+);")
# The theme's two palettes (Material's colour schemes): each build-time figure gets a static
# drawing in each, and the page shows the one of the reader's palette.
SCHEMES = ("default", "slate")


def palette(css_text, scheme="default"):
    """``{--name: value}`` from every block of the theme's CSS for palette ``scheme``."""
    block = re.compile(rf'\[data-md-color-scheme="{scheme}"\]\s*\{{([^}}]*)\}}')
    variables = {}
    for found in block.findall(css_text):
        variables.update((name, value.strip()) for name, value in _CSS_VARIABLE.findall(found))
    return variables


def figure_config(css_text=None, template_text=None, scheme="default"):
    """web/figure-theme.json with every ``var(--name)`` filled from palette ``scheme``."""
    css_text = THEME_CSS.read_text(encoding="utf-8") if css_text is None else css_text
    template_text = (FIGURE_THEME.read_text(encoding="utf-8") if template_text is None
                     else template_text)
    variables = palette(css_text, scheme)

    def resolve(value, depth=0):
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items() if key != "$comment"}
        if isinstance(value, list):
            return [resolve(item) for item in value]
        if isinstance(value, str):
            match = re.fullmatch(r"var\((--[A-Za-z0-9-]+)\)", value.strip())
            if match:
                if match.group(1) not in variables or depth > 4:
                    raise PluginError(f"{shown(FIGURE_THEME)} uses {match.group(1)}, which "
                                      f"{shown(THEME_CSS)} does not define for the {scheme} "
                                      "palette")
                return resolve(variables[match.group(1)], depth + 1)
        return value

    return resolve(json.loads(template_text))


def _static_spec(spec):
    """The spec for a fixed-width static drawing: "container" widths become STATIC_WIDTH."""
    spec = json.loads(json.dumps(spec))
    if spec.get("width") == "container":
        spec["width"] = STATIC_WIDTH
    spec.pop("$schema", None)
    return spec


_SVG_ID = re.compile(r'\bid="([^"]+)"')
_PLEX_FAMILY = re.compile(r'font-family="(IBM Plex (Sans|Serif|Mono))"')
_GENERIC_FAMILY = {"Sans": "sans-serif", "Serif": "serif", "Mono": "monospace"}


def static_svg(spec, prefix, scheme="default"):
    """The figure drawn by vl-convert as SVG text in palette ``scheme``, ids prefixed with
    ``prefix`` (unique per page).

    Cached in ``.cache/demos/svg/`` by the spec, the theme and vl-convert's version.
    """
    import vl_convert

    config = figure_config(scheme=scheme)
    static = _static_spec(spec)
    key = hashlib.sha256(json.dumps([static, config, vl_convert.__version__,
                                     VEGA_LITE_VERSION], sort_keys=True).encode()).hexdigest()[:32]
    cached = SVG_CACHE_DIR / f"{key}.svg"
    if cached.is_file():
        svg = cached.read_text(encoding="utf-8")
    else:
        try:
            svg = vl_convert.vegalite_to_svg(static, vl_version=VEGA_LITE_VERSION, config=config)
        except Exception as error:  # noqa: BLE001 - vl-convert raises its own error types
            raise PluginError(f"vl-convert could not draw a figure: {error}") from None
        SVG_CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cached.write_text(svg, encoding="utf-8")
    # Shown by an <img>, the drawing cannot load the page's web fonts: the nearest generic
    # family stands in for IBM Plex where the reader has not installed it.
    svg = _PLEX_FAMILY.sub(lambda found: f'font-family="{found.group(1)}, '
                           f'{_GENERIC_FAMILY[found.group(2)]}"', svg)
    # Several SVGs share one page: their clip-path ids must not collide.
    ids = set(_SVG_ID.findall(svg))
    for name in sorted(ids, key=len, reverse=True):
        svg = (svg.replace(f'id="{name}"', f'id="{prefix}{name}"')
               .replace(f"url(#{name})", f"url(#{prefix}{name})")
               .replace(f'href="#{name}"', f'href="#{prefix}{name}"'))
    return svg


_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="(\d+(?:\.\d+)?)"[^>]*?\bheight="(\d+(?:\.\d+)?)"')
# The static SVG of each build-time figure, by file name; written under STATIC_URI.
STATIC_URI = "assets/figures"
STATIC_LINK = "itt-static-figure:"  # src prefix until the page's relative URL is known
_static_files = {}


def render_figure(spec, figure_id):
    """One figure's HTML: the spec for the renderer, a static SVG in each palette, the alt
    text, the caption.

    Each static SVG is a file of its own (``STATIC_URI``, written after the build), shown by a
    lazily loaded ``<img>``: the page shows the one of the reader's palette (theme.css; the
    light one in print), until the renderer draws the figure, once Python is ready, and then
    neither is fetched unless the figure was on the screen before; without JavaScript, and in
    print, they are. Inlined, these drawings were up to 70% of a chapter's HTML (753 kB of
    chapter 08's 1.1 MB), parsed before Python could start.
    """
    meta = spec.get("usermeta", {}).get("itt", {})
    caption = meta.get("caption") or ""
    alt = meta.get("alt") or caption
    kind = meta.get("kind", "figure")
    images = []
    for scheme in SCHEMES:
        svg = static_svg(spec, f"{figure_id}-", scheme)
        size = _SVG_SIZE.search(svg)
        width, height = (640, 320)
        if size:
            width, height = round(float(size.group(1))), round(float(size.group(2)))
        name = f"{figure_id}.svg" if scheme == "default" else f"{figure_id}-{scheme}.svg"
        _static_files[name] = svg
        images.append(f'<img class="itt-chart-static-{scheme}" src="{STATIC_LINK}'
                      f'{html.escape(name)}" alt="" width="{width}" height="{height}"'
                      ' loading="lazy" decoding="async">')
    return "".join([
        f'<figure class="itt-chart" id="{figure_id}" data-chart-kind="{html.escape(kind)}">',
        f'<template class="itt-chart-spec" data-search-exclude>{_json_for_html(spec)}</template>',
        # role=img + aria-label: the drawing is described by the alt text (the images
        # themselves are decorative, alt=""); width and height keep its place before it loads.
        f'<div class="itt-chart-static" role="img" aria-label="{html.escape(alt)}">',
        *images, "</div>",
        f"<figcaption>{html.escape(caption)}</figcaption>",
        "</figure>",
    ])


def link_static_figures(content, prefix):
    """``content`` with each static figure's ``src`` pointing under ``prefix`` (ends in /)."""
    return content.replace(f'src="{STATIC_LINK}', f'src="{prefix}')


def static_figure_files():
    """{file name: SVG text} of every static figure rendered so far (this build)."""
    return dict(_static_files)


def render_image(image, number):
    """A Matplotlib figure (a reader's own code) as a 2x PNG shown at its 1x size."""
    return (f'<img class="itt-demo-figure" alt="Matplotlib figure {number} drawn by the code"'
            f' width="{int(image["width"])}" height="{int(image["height"])}"'
            f' src="data:image/png;base64,{html.escape(image["png"])}">')


def _output_html(outcome):
    """The printed output, escaped; stderr (warnings) and runner notes in styled spans."""
    segments = outcome.get("output") or [["stdout", outcome["stdout"]]]
    classes = {"stderr": "itt-demo-stderr", "note": "itt-demo-note-output"}
    return "".join(
        f'<span class="{classes[kind]}">{html.escape(text)}</span>' if kind in classes
        else html.escape(text)
        for kind, text in segments
    )


def render_demo(demo_id):
    """The demo's HTML (DOM contract), with its build-time output."""
    demo = RUNS.checked(demo_id)
    outcome = demo["outcome"]
    meta = {"id": demo_id, "file": demo["path"], "params": demo["params"],
            "result": outcome["result"]}
    meta_json = _json_for_html(meta)
    parts = [
        f'<div class="itt-demo" data-demo="{html.escape(demo_id)}" '
        f'data-notebook="{html.escape(pages.demo_notebook_path(demo_id))}">',
        # A <template>, not a <script>: Material's instant navigation re-runs every <script> in
        # the content as JavaScript (dropping its type), and JSON there is a SyntaxError.
        # data-search-exclude keeps the JSON and the code out of the search index (the output
        # is indexed; pycore's names are found on the API page).
        f'<template class="itt-demo-meta" data-search-exclude>{meta_json}</template>',
        '<pre class="itt-demo-source" tabindex="0" data-search-exclude>'
        '<code class="language-python">'
        f"{html.escape(demo['source'])}</code></pre>",
        '<div class="itt-demo-output" data-demo-output aria-live="polite">',
        '<div class="itt-demo-static" data-build-output>',
        '<p class="itt-demo-note">Output computed at build time (CPython)</p>',
    ]
    if outcome["stdout"] or outcome.get("stderr"):
        parts.append(f'<pre tabindex="0">{_output_html(outcome)}</pre>')
    slug = re.sub(r"[^A-Za-z0-9]+", "-", demo_id)
    for number, spec in enumerate(outcome["figures"], start=1):
        parts.append(render_figure(spec, f"itt-fig-{slug}-{number}"))
    images = outcome.get("images", [])
    for number, image in enumerate(images, start=1):
        parts.append(render_image(image, number))
    if not outcome["stdout"] and not outcome["figures"] and not images:
        parts.append('<p class="itt-demo-empty">(no output)</p>')
    parts.append("</div></div></div>")
    return "".join(parts)


def render_markdown(markdown, page_label="<page>"):
    """Replace the macros in ``markdown``; returns (new markdown, {placeholder: HTML}).

    Demo lines become placeholder paragraphs and result calls placeholder tokens, swapped for
    the demo's HTML or the escaped value once Markdown has run (``on_page_content``), so
    Markdown never reads a demo's source, its output or a result value as syntax.
    """
    lines = markdown.split("\n")
    placeholders = {}

    def result_token(demo_id, dotted_path, spec):
        token = RESULT_TOKEN.format(len(placeholders), os.getpid())
        placeholders[token] = html.escape(result_text(demo_id, dotted_path, spec), quote=True)
        return token

    for number, line in pages.outside_fences(lines):
        try:
            demo = pages.demo_line(line)
            if demo:
                indent, demo_id = demo
                token = f"itt-demo-placeholder-{len(placeholders)}-{os.getpid()}"
                placeholders[token] = render_demo(demo_id)
                lines[number] = indent + token
            else:
                lines[number] = pages.fill_results(line, result_token)
        except (pages.MacroError, BatchError, PluginError) as error:
            raise PluginError(f"{page_label}, line {number + 1}: {error}") from None
    return "\n".join(lines), placeholders


# ----------------------------------------------------------------------------- MkDocs events
def on_pre_build(config):
    """Forget the previous build's demos: sources may have changed under `mkdocs serve`."""
    RUNS.forget()
    _pending.clear()
    _static_files.clear()


def on_page_markdown(markdown, page, config, files):
    markdown, placeholders = render_markdown(markdown, page.file.src_uri)
    _pending[page.file.src_uri] = placeholders
    return markdown


def on_page_content(content, page, config, files):
    placeholders = _pending.pop(page.file.src_uri, {})
    results = {token: value for token, value in placeholders.items() if is_result_token(token)}
    demos = {token: value for token, value in placeholders.items() if token not in results}
    try:
        content = pages.swap_placeholders(content, demos, page.file.src_uri, "demo")
        for token, value in results.items():
            # In place, never as a block: a value alone on its line stays in its paragraph.
            if token not in content:
                raise pages.MacroError(f"{page.file.src_uri}: a result placeholder was lost "
                                       "by Markdown")
            content = content.replace(token, value)
    except pages.MacroError as error:
        raise PluginError(str(error)) from None
    figures = get_relative_url(f"{STATIC_URI}/x.svg", page.url)[:-len("x.svg")]
    return link_static_figures(content, figures)


def on_post_build(config):
    """Write the static SVG of every figure the pages show into ``STATIC_URI``."""
    target = Path(config["site_dir"]) / STATIC_URI
    target.mkdir(parents=True, exist_ok=True)
    for name, svg in static_figure_files().items():
        (target / name).write_text(svg, encoding="utf-8")
