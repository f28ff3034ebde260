"""Build-time robustness (issue 15): every value a macro inserts is HTML-escaped, and a bad
``@param`` line stops the build instead of breaking the page."""
from __future__ import annotations

import html

import markdown as python_markdown
import pytest
from mkdocs.exceptions import PluginError

from hooks import demo_macros as demos_hook

PAYLOAD = "<img src=x onerror=alert(17)>"


def test_result_macro_escapes_markup(demo_dir):
    demo_dir("97/hostile", f'result = {{"label": {PAYLOAD!r}, "quote": "a \\"b\\" & c", "n": 3}}\n')
    page = (
        'Label: {{ result("97/hostile", "label") }}; quote: {{ result("97/hostile", "quote") }}; '
        'n = {{ result("97/hostile", "n", "d") }}.\n'
    )
    text, _ = demos_hook.render_markdown(page)
    assert PAYLOAD not in text
    assert "&lt;img src=x onerror=alert(17)&gt;" in text
    assert "a &quot;b&quot; &" in text and html.unescape(text).count('a "b" & c') == 1
    assert "n = 3." in text  # numbers are unchanged by escaping
    rendered = python_markdown.markdown(text)
    assert "<img" not in rendered, rendered
    assert "&lt;img src=x onerror=alert(17)&gt;" in rendered


def test_whole_result_escaped_too(demo_dir):
    demo_dir("97/whole", f"result = {PAYLOAD!r}\n")
    text, _ = demos_hook.render_markdown('{{ result("97/whole", "") }}\n')
    assert "<" not in text and ">" not in text


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
