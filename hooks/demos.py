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
  ``.cache/demos/svg/``), its text alternative and its caption. A Matplotlib figure (a
  reader's own code; no demo of the book draws one) stays a PNG image.
- ``{{ result("04/worked_example", "weights.0.1", ".3f") }}`` becomes the value at that dotted
  path of the demo's build-time ``result``, formatted with the format spec (optional) and
  HTML-escaped (a result is text, never markup).

An unknown demo, an unknown key, a bad format or a demo that fails at build time stops the
build with a message naming the page, the demo and the problem. Macros inside fenced code
blocks are left alone, so a page can show the syntax.

Each demo runs in a fresh CPython subprocess through ``demos.runner.run_demo_file`` (so a
library edit is seen under ``mkdocs serve``, and no demo can disturb the build's own state).
Runs are cached in ``.cache/demos/<key>.json``; the key hashes the demo file together with
every source file it can import from the project (pycore/, exercises/, the runner) and this
hook, so an edit anywhere there reruns the demos and nothing else does.
"""
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "demos"
CACHE_DIR = ROOT / ".cache" / "demos"
# Sources a demo's output can depend on, besides the demo file itself (this hook included).
LIBRARY_GLOBS = ("pycore/**/*", "exercises/**/*", "demos/runner.py", "demos/params.py",
                 "demos/stream.py", "hooks/demos.py")
SECONDS_PER_DEMO = 120
FIGURE_THEME = ROOT / "web" / "figure-theme.json"
THEME_CSS = ROOT / "docs" / "stylesheets" / "theme.css"
SVG_CACHE_DIR = CACHE_DIR / "svg"
STATIC_WIDTH = 640  # px: a "container" width in the static SVG (the column on a desktop)
VEGA_LITE_VERSION = "v5_20"  # vl-convert's Vega-Lite for the static SVG; specs are v5

_STRING = r"""(?:"([^"]*)"|'([^']*)')"""
DEMO_LINE = re.compile(r"^(?P<indent>[ \t]*)\{\{\s*demo\(\s*" + _STRING + r"\s*\)\s*\}\}[ \t]*$")
RESULT_CALL = re.compile(
    r"\{\{\s*result\(\s*" + _STRING + r"\s*,\s*" + _STRING + r"\s*(?:,\s*" + _STRING
    + r"\s*)?\)\s*\}\}"
)
ANY_MACRO = re.compile(r"\{\{\s*(demo|result)\s*\(")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
DEMO_ID = re.compile(r"^[0-9]{2}/[A-Za-z0-9_]+$")

# Per build: demo id -> loaded demo; page src_uri -> [demo HTML] waiting for on_page_content.
_demos = {}
_pending = {}
_library_hash = None


def library_hash():
    """SHA-256 over the project sources every demo may import (paths and contents)."""
    digest = hashlib.sha256()
    for pattern in LIBRARY_GLOBS:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def demo_file(demo_id):
    """The file of ``demo_id``; raises PluginError for a malformed or unknown id."""
    if not DEMO_ID.match(demo_id):
        raise PluginError(f"demo id {demo_id!r} is not of the form 'NN/name'")
    path = DEMO_DIR / f"{demo_id}.py"
    if not path.is_file():
        raise PluginError(f"unknown demo {demo_id!r}: there is no file {_shown(path)}")
    return path


def _shown(path):
    """A path as shown to readers and in tracebacks: relative to the repository if inside."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


# Each demo starts from a fresh interpreter's NumPy print options (a demo may change them,
# and the next demo on the page must print as it would on its own).
_WORKER = """
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy
from demos.params import parse_params
from demos.runner import run_demo_file
fresh_printoptions = numpy.get_printoptions()
runs = {}
for demo_id, path in json.loads(sys.argv[2]):
    numpy.set_printoptions(**fresh_printoptions)
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    try:
        params, params_error = parse_params(source), None
    except ValueError as error:
        params, params_error = [], str(error)
    runs[demo_id] = {"params": params, "params_error": params_error,
                     "outcome": run_demo_file(path)}
with open(sys.argv[3], "w", encoding="utf-8") as handle:
    json.dump(runs, handle)
"""


def _run_in_subprocess(jobs):
    """Run ``[(demo_id, path)]`` in one fresh interpreter; returns {demo_id: run}."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "runs.json"
        command = [sys.executable, "-c", _WORKER, str(ROOT), json.dumps(jobs), str(output)]
        try:
            finished = subprocess.run(
                command, cwd=str(ROOT), env=env, capture_output=True, text=True,
                timeout=SECONDS_PER_DEMO * len(jobs),
            )
        except subprocess.TimeoutExpired as error:
            names = ", ".join(demo_id for demo_id, _ in jobs)
            raise PluginError(f"demo run timed out after {error.timeout:.0f} s: {names}") from None
        if finished.returncode != 0 or not output.exists():
            raise PluginError(
                "the demo runner crashed (exit code "
                f"{finished.returncode}):\n{finished.stderr[-4000:]}"
            )
        return json.loads(output.read_text(encoding="utf-8"))


def load_demos(demo_ids):
    """Load (from the cache, or by running them) every demo in ``demo_ids``.

    Returns {demo_id: {"id", "path", "source", "params", "params_error", "outcome"}} where
    ``outcome`` is what ``demos.runner.run_demo_file`` returned.
    """
    global _library_hash
    if _library_hash is None:
        _library_hash = library_hash()
    todo = []
    for demo_id in dict.fromkeys(demo_ids):
        if demo_id in _demos:
            continue
        path = demo_file(demo_id)
        source = path.read_text(encoding="utf-8")
        key = hashlib.sha256((_library_hash + demo_id + source).encode()).hexdigest()[:32]
        cached = CACHE_DIR / f"{key}.json"
        entry = {"id": demo_id, "path": _shown(path), "source": source, "key": key}
        if cached.is_file():
            entry.update(json.loads(cached.read_text(encoding="utf-8")))
            _demos[demo_id] = entry
        else:
            todo.append(entry)
    if todo:
        runs = _run_in_subprocess([(entry["id"], entry["path"]) for entry in todo])
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        for entry in todo:
            run = runs[entry["id"]]
            (CACHE_DIR / f"{entry['key']}.json").write_text(json.dumps(run), encoding="utf-8")
            entry.update(run)
            _demos[entry["id"]] = entry
    return {demo_id: _demos[demo_id] for demo_id in demo_ids}


def _checked(demo):
    """The demo if it ran cleanly at build time; otherwise a PluginError with the traceback."""
    if demo["params_error"]:
        raise PluginError(f"demo {demo['id']!r}: bad @param line: {demo['params_error']}")
    error = demo["outcome"]["error"]
    if error:
        raise PluginError(f"demo {demo['id']!r} failed at build time:\n{error}")
    return demo


def lookup(result, dotted_path, demo_id="?"):
    """The value at ``dotted_path`` ("weights.0.1") in a demo's ``result``; "" is the whole."""
    value = result
    walked = []
    for part in dotted_path.split(".") if dotted_path else []:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and re.fullmatch(r"-?[0-9]+", part) and (
            -len(value) <= int(part) < len(value)
        ):
            value = value[int(part)]
        else:
            where = ".".join(walked) or "result"
            if isinstance(value, dict):
                have = f"keys {sorted(value)}"
            elif isinstance(value, list):
                have = f"a list of length {len(value)}"
            else:
                have = f"a {type(value).__name__}"
            raise PluginError(
                f"demo {demo_id!r}: unknown key {part!r} in {dotted_path!r} ({where} has {have})"
            )
        walked.append(part)
    return value


def format_result(demo_id, dotted_path, spec=""):
    """The formatted value of ``{{ result(demo_id, dotted_path, spec) }}``."""
    demo = _checked(load_demos([demo_id])[demo_id])
    value = lookup(demo["outcome"]["result"], dotted_path, demo_id)
    try:
        text = format(value, spec or "")
    except (TypeError, ValueError) as error:
        raise PluginError(
            f"demo {demo_id!r}: cannot format {dotted_path!r} = {value!r} with {spec!r}: {error}"
        ) from None
    # A result is data, never markup: "<img src=x onerror=...>" must show as those characters.
    # "&" stays as it is: alone it can only start a character reference, never a tag, and a
    # result placed in maths (a matrix's "a & b") is escaped again by arithmatex, so "&amp;"
    # would reach KaTeX as the text "amp;".
    return html.escape(text, quote=True).replace("&amp;", "&")


def _json_for_html(value):
    """JSON text safe inside an HTML element: ``<``, ``>`` and ``&`` as JSON escapes."""
    return (json.dumps(value, sort_keys=True, allow_nan=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


_CSS_VARIABLE = re.compile(r"(--[A-Za-z0-9-]+)\s*:\s*([^;]+);")
_LIGHT_BLOCK = re.compile(r'\[data-md-color-scheme="default"\]\s*\{([^}]*)\}')


def light_palette(css_text):
    """``{--name: value}`` from every light-palette block of the theme's CSS."""
    variables = {}
    for block in _LIGHT_BLOCK.findall(css_text):
        variables.update((name, value.strip()) for name, value in _CSS_VARIABLE.findall(block))
    return variables


def figure_config(css_text=None, template_text=None):
    """web/figure-theme.json with every ``var(--name)`` filled from the light palette."""
    css_text = THEME_CSS.read_text(encoding="utf-8") if css_text is None else css_text
    template_text = (FIGURE_THEME.read_text(encoding="utf-8") if template_text is None
                     else template_text)
    variables = light_palette(css_text)

    def resolve(value, depth=0):
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items() if key != "$comment"}
        if isinstance(value, list):
            return [resolve(item) for item in value]
        if isinstance(value, str):
            match = re.fullmatch(r"var\((--[A-Za-z0-9-]+)\)", value.strip())
            if match:
                if match.group(1) not in variables or depth > 4:
                    raise PluginError(f"{_shown(FIGURE_THEME)} uses {match.group(1)}, which "
                                      f"{_shown(THEME_CSS)} does not define for the light palette")
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


def static_svg(spec, prefix):
    """The figure drawn by vl-convert as SVG text, ids prefixed with ``prefix`` (unique per page).

    Cached in ``.cache/demos/svg/`` by the spec, the theme and vl-convert's version.
    """
    import vl_convert

    config = figure_config()
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
    # Several SVGs share one page: their clip-path ids must not collide.
    ids = set(_SVG_ID.findall(svg))
    for name in sorted(ids, key=len, reverse=True):
        svg = (svg.replace(f'id="{name}"', f'id="{prefix}{name}"')
               .replace(f"url(#{name})", f"url(#{prefix}{name})")
               .replace(f'href="#{name}"', f'href="#{prefix}{name}"'))
    return svg


def render_figure(spec, figure_id):
    """One figure's HTML: the spec for the renderer, a static SVG, the alt text, the caption."""
    meta = spec.get("usermeta", {}).get("itt", {})
    caption = meta.get("caption") or ""
    alt = meta.get("alt") or caption
    kind = meta.get("kind", "figure")
    svg = static_svg(spec, f"{figure_id}-")
    return "".join([
        f'<figure class="itt-chart" id="{figure_id}" data-chart-kind="{html.escape(kind)}">',
        f'<template class="itt-chart-spec" data-search-exclude>{_json_for_html(spec)}</template>',
        # role=img + aria-label: the drawing is described by the alt text, not its SVG parts.
        f'<div class="itt-chart-static" role="img" aria-label="{html.escape(alt)}">{svg}</div>',
        f"<figcaption>{html.escape(caption)}</figcaption>",
        "</figure>",
    ])


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
    demo = _checked(load_demos([demo_id])[demo_id])
    outcome = demo["outcome"]
    meta = {"id": demo_id, "file": demo["path"], "params": demo["params"],
            "result": outcome["result"]}
    meta_json = _json_for_html(meta)
    parts = [
        f'<div class="itt-demo" data-demo="{html.escape(demo_id)}">',
        # A <template>, not a <script>: Material's instant navigation re-runs every <script> in
        # the content as JavaScript (dropping its type), and JSON there is a SyntaxError.
        # data-search-exclude keeps the JSON out of the search index (the output is indexed).
        f'<template class="itt-demo-meta" data-search-exclude>{meta_json}</template>',
        '<pre class="itt-demo-source" tabindex="0"><code class="language-python">'
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


def _string(match, first):
    """The contents of the quoted string whose two alternative groups start at ``first``."""
    double, single = match.group(first), match.group(first + 1)
    return double if double is not None else single


def render_markdown(markdown, page_label="<page>"):
    """Replace the macros in ``markdown``; returns (new markdown, {placeholder: demo HTML}).

    Demo lines become placeholder paragraphs (swapped for the HTML once Markdown has run,
    so Markdown never touches a demo's source or output); result calls become their text.
    """
    lines = markdown.split("\n")
    placeholders = {}
    fence = None
    for number, line in enumerate(lines):
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        try:
            demo_line = DEMO_LINE.match(line)
            if demo_line:
                token = f"itt-demo-placeholder-{len(placeholders)}-{os.getpid()}"
                placeholders[token] = render_demo(_string(demo_line, 2))
                lines[number] = demo_line.group("indent") + token
                continue
            line = RESULT_CALL.sub(
                lambda call: format_result(
                    _string(call, 1), _string(call, 3), _string(call, 5) or ""
                ),
                line,
            )
            if ANY_MACRO.search(line):
                raise PluginError(
                    "cannot read this macro (a demo must be alone on its line; strings in "
                    f"double quotes): {line.strip()!r}"
                )
            lines[number] = line
        except PluginError as error:
            raise PluginError(f"{page_label}, line {number + 1}: {error}") from None
    return "\n".join(lines), placeholders


# ----------------------------------------------------------------------------- MkDocs events
def on_pre_build(config):
    """Forget the previous build's demos: sources may have changed under `mkdocs serve`."""
    global _library_hash
    _demos.clear()
    _pending.clear()
    _library_hash = None


def on_page_markdown(markdown, page, config, files):
    markdown, placeholders = render_markdown(markdown, page.file.src_uri)
    _pending[page.file.src_uri] = placeholders
    return markdown


def on_page_content(content, page, config, files):
    for token, demo_html in _pending.pop(page.file.src_uri, {}).items():
        wrapped = f"<p>{token}</p>"
        if wrapped in content:
            content = content.replace(wrapped, demo_html)
        elif token in content:
            content = content.replace(token, demo_html)
        else:
            raise PluginError(f"{page.file.src_uri}: a demo placeholder was lost by Markdown")
    return content
