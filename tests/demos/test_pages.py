"""demos/pages.py: the page-macro grammar the hooks, the notebooks and the tests share."""
import pytest

from demos import pages

PAGE = """\
# Title
{{ demo("04/worked_example") }}
Weight {{ result("04/worked_example", "weights.0.1", ".3f") }} and {{ result('04/x', 'n') }}.
````markdown
```python
{{ demo("98/inside") }}
```
{{ result("98/inside", "x") }}
````
~~~
{{ demo("98/tilde") }}
~~~
  {{ demo('05/after') }}
"""


def test_fences_hide_macros_even_nested_ones():
    kept = [line for _, line in pages.outside_fences(PAGE.split("\n"))]
    assert not any("98/" in line for line in kept), kept
    assert not any(line.lstrip().startswith(("```", "~~~")) for line in kept)
    assert kept[-2] == "  {{ demo('05/after') }}"


def test_page_macros_in_page_order():
    assert pages.page_macros(PAGE) == [
        ("demo", ("04/worked_example",)),
        ("result", ("04/worked_example", "weights.0.1", ".3f")),
        ("result", ("04/x", "n", "")),
        ("demo", ("05/after",)),
    ]
    assert pages.demo_line("  {{ demo('05/after') }}") == ("  ", "05/after")
    assert pages.demo_line('Text {{ demo("05/after") }}') is None
    assert pages.diagram_line('{{ diagram("04/one-query") }}') == ("", "04/one-query")


def test_fill_results_calls_the_formatter_and_refuses_unreadable_macros():
    calls = []

    def formatter(demo_id, path, spec):
        calls.append((demo_id, path, spec))
        return "<v>"

    line = 'a {{ result("01/a", "x.0") }} b {{ result("01/b", "y", ".2f") }}'
    assert pages.fill_results(line, formatter) == "a <v> b <v>"
    assert calls == [("01/a", "x.0", ""), ("01/b", "y", ".2f")]
    with pytest.raises(pages.MacroError, match="alone on its line"):
        pages.fill_results('See {{ demo("01/a") }} here.', formatter)
    with pytest.raises(pages.MacroError, match="cannot read"):
        pages.fill_results('{{ result("01/a") }}', formatter)


def test_lookup_walks_dicts_and_lists_and_names_what_is_there():
    result = {"weights": [[0.25, 0.75]], "n": 3}
    assert pages.lookup(result, "weights.0.1") == 0.75
    assert pages.lookup(result, "weights.-1.0") == 0.25
    assert pages.lookup(result, "") is result
    with pytest.raises(pages.MacroError, match=r"unknown key 'w'.*keys \['n', 'weights'\]"):
        pages.lookup(result, "w", "01/a")
    with pytest.raises(pages.MacroError, match=r"unknown key '2'.*list of length 1"):
        pages.lookup(result, "weights.2")
    with pytest.raises(pages.MacroError, match=r"unknown key 'x'.*a int"):
        pages.lookup(result, "n.x")


def test_format_value_escapes_markup_but_not_ampersands():
    assert pages.format_value(0.12345, ".3f") == "0.123"
    assert pages.format_value("<b>a & b</b>", "") == "&lt;b&gt;a & b&lt;/b&gt;"
    assert pages.format_value('say "hi"', "") == "say &quot;hi&quot;"
    with pytest.raises(pages.MacroError, match="cannot format 'w'"):
        pages.format_value([1, 2], ".3f", "01/a", "w")


def test_swap_placeholders_finds_wrapped_and_bare_tokens():
    content = "<p>tok-1</p><div>tok-2</div>"
    swapped = pages.swap_placeholders(content, {"tok-1": "<A>", "tok-2": "<B>"}, "p.md", "demo")
    assert swapped == "<A><div><B></div>"
    with pytest.raises(pages.MacroError, match="p.md: a demo placeholder was lost"):
        pages.swap_placeholders(content, {"tok-3": "<C>"}, "p.md", "demo")
