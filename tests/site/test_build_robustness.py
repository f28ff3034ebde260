"""Build-time robustness (issue 15): every value a macro inserts is HTML-escaped, and a bad
``@param`` line stops the build instead of breaking the page."""
from __future__ import annotations

from html.parser import HTMLParser

import markdown as python_markdown
import pytest
from mkdocs.exceptions import PluginError

from hooks import demo_macros as demos_hook

PAYLOAD = "<img src=x onerror=alert(17)>"


# The site's Markdown extensions (mkdocs.yml): attr_list and arithmatex matter here.
EXTENSIONS = ["admonition", "attr_list", "def_list", "md_in_html", "footnotes", "tables", "toc",
              "pymdownx.details", "pymdownx.superfences", "pymdownx.arithmatex",
              "pymdownx.highlight", "pymdownx.inlinehilite"]


class _Page:
    url = "chapter/"  # mkdocs' Page.url: where the page's links are relative to

    class file:  # noqa: N801 - the shape of mkdocs' Page.file
        src_uri = "chapter.md"


def build_page(page):
    """``page`` through the hook, the site's Markdown and the hook again: the page's HTML."""
    text, placeholders = demos_hook.render_markdown(page, "chapter.md")
    demos_hook._pending["chapter.md"] = placeholders
    configs = {"pymdownx.arithmatex": {"generic": True}}
    rendered = python_markdown.markdown(text, extensions=EXTENSIONS, extension_configs=configs)
    return demos_hook.on_page_content(rendered, _Page(), None, None)


def test_result_macro_escapes_markup(demo_dir):
    demo_dir("97/hostile", f'result = {{"label": {PAYLOAD!r}, "quote": "a \\"b\\" & c", "n": 3}}\n')
    page = (
        'Label: {{ result("97/hostile", "label") }}; quote: {{ result("97/hostile", "quote") }}; '
        'n = {{ result("97/hostile", "n", "d") }}.\n'
    )
    text, placeholders = demos_hook.render_markdown(page)
    assert PAYLOAD not in text and "<" not in text  # Markdown sees placeholders only
    shown = demos_hook.with_results(text, placeholders)
    assert f"Label: {PAYLOAD}; quote: a \"b\" & c; n = 3." in shown
    rendered = build_page(page)
    assert "<img" not in rendered, rendered
    assert "&lt;img src=x onerror=alert(17)&gt;" in rendered
    assert "a &quot;b&quot; &amp; c" in rendered and "n = 3." in rendered


def test_whole_result_escaped_too(demo_dir):
    demo_dir("97/whole", f"result = {PAYLOAD!r}\n")
    rendered = build_page('{{ result("97/whole", "") }}\n')
    assert rendered == "<p>&lt;img src=x onerror=alert(17)&gt;</p>", rendered


# Markdown syntax in a value: links, images, attribute lists, block syntax after a newline,
# reference definitions, emphasis and code, an early end of maths.
MARKDOWN_PAYLOADS = [
    "[click](javascript:alert(17))",
    "![x](x onerror=alert(17))",
    "{: onclick=alert(17) }",
    "x\n{: onclick=alert(17) }",
    "\n# heading\n\n<b>bold</b>",
    "[y][x]\n\n[x]: javascript:alert(17)",
    "*em* __strong__ `code`",
    "1$ [click](javascript:alert(17)) $",
    "&lt;script&gt;alert(17)&lt;/script&gt;",
]


class _Elements(HTMLParser):
    """The elements, attributes and text of an HTML fragment."""

    def __init__(self, fragment):
        super().__init__(convert_charrefs=True)
        self.elements, self.text = [], []
        self.feed(fragment)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS)
@pytest.mark.parametrize("context", ["prose", "end of paragraph", "heading", "maths", "list"])
def test_result_value_is_text_never_markdown(demo_dir, payload, context):
    demo_dir("97/md", f"result = {{'v': {payload!r}}}\n")
    macro = '{{ result("97/md", "v") }}'
    page, allowed = {
        "prose": (f"Before {macro} after.\n", {"p"}),
        "end of paragraph": (f"The value is\n{macro}\n", {"p"}),
        "heading": (f"## Value {macro}\n", {"h2", "a"}),  # toc's permalink
        "maths": (f"Here $x = {macro}$ and $$y = {macro}$$\n", {"p", "span"}),
        "list": (f"- one {macro}\n- two\n", {"ul", "li"}),
    }[context]
    parsed = _Elements(build_page(page))
    tags = {tag for tag, _ in parsed.elements}
    assert tags <= allowed, (tags - allowed, parsed.elements)
    for tag, attributes in parsed.elements:
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        assert attributes.get("href", "#").startswith("#"), (tag, attributes)
    # The reader sees the value itself, every character of it.
    assert payload in "".join(parsed.text), parsed.text


def test_result_in_maths_keeps_latex(demo_dir):
    demo_dir("97/tex", "result = {'m': r'\\begin{bmatrix}1 & 2 \\\\ 3 & 4\\end{bmatrix}'}\n")
    rendered = build_page('$$A = {{ result("97/tex", "m") }}$$\n')
    # Escaped once for HTML: KaTeX reads the text "\begin{bmatrix}1 & 2 \\ 3 & 4\end{bmatrix}".
    assert "\\begin{bmatrix}1 &amp; 2 \\\\ 3 &amp; 4\\end{bmatrix}" in rendered, rendered
    assert "&amp;amp;" not in rendered


@pytest.mark.parametrize("line, message", [
    ('x = 1  # @param {type: "select", options: 5}', "non-empty list"),
    ('x = 1  # @param {type: "select", options: []}', "non-empty list"),
    ('x = 3  # @param {type: "select", options: [1, 2]}', "not among the options"),
    ('x = 1  # @param {type: "slider", min: 4, max: 2}', "must be below max"),
    ('x = 3  # @param {type: "slider", min: 0, max: 4, step: 0}', "step must be positive"),
    ('x = 9  # @param {type: "slider", min: 0, max: 4}', "outside"),
])
def test_bad_param_stops_the_build(demo_dir, line, message):
    demo_dir("97/bad", f"{line}\nresult = x\n")
    with pytest.raises(PluginError, match=message) as raised:
        demos_hook.render_markdown('{{ demo("97/bad") }}\n', "chapter.md")
    assert "97/bad" in str(raised.value) and "chapter.md" in str(raised.value)


def test_build_time_stderr_and_warnings_shown_styled_and_escaped(demo_dir):
    demo_dir("97/warns", (
        "import sys, warnings\nprint('<b>out</b>')\nprint('<i>err</i>', file=sys.stderr)\n"
        "warnings.warn('careful')\nresult = {'n': 1}\n"
    ))
    _, placeholders = demos_hook.render_markdown('{{ demo("97/warns") }}\n')
    (block,) = placeholders.values()
    assert "&lt;b&gt;out&lt;/b&gt;" in block and "<b>" not in block and "<i>" not in block
    assert '<span class="itt-demo-stderr">&lt;i&gt;err&lt;/i&gt;' in block
    assert "UserWarning: careful" in block.split('<span class="itt-demo-stderr">', 1)[1]
