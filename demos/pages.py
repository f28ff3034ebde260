"""The macros of the book's Markdown pages, read in one place (CONTRIBUTING.md, "Markdown").

A page embeds a demo with ``{{ demo("04/worked_example") }}`` alone on its line, a computed
number with ``{{ result("04/worked_example", "weights.0.1", ".3f") }}`` anywhere in a line
(the value at that dotted path of the demo's ``result``, formatted with the optional format
spec) and a diagram with ``{{ diagram("04/attention-one-query") }}`` alone on its line.
Macros inside fenced code blocks are text, so a page can show the syntax.

The site's hooks (hooks/demo_macros.py, hooks/diagrams.py), the notebooks generator and the
tests all read pages through this module, so they agree on what a macro is. It knows nothing
of MkDocs: a macro it cannot read or fill raises :class:`MacroError`, which the hooks turn
into a build error naming the page and line.
"""
import html
import re

_STRING = r"""(?:"([^"]*)"|'([^']*)')"""  # a quoted argument: two groups, one of them set
DEMO_LINE = re.compile(r"^(?P<indent>[ \t]*)\{\{\s*demo\(\s*" + _STRING + r"\s*\)\s*\}\}[ \t]*$")
RESULT_CALL = re.compile(
    r"\{\{\s*result\(\s*" + _STRING + r"\s*,\s*" + _STRING + r"\s*(?:,\s*" + _STRING
    + r"\s*)?\)\s*\}\}"
)
ANY_MACRO = re.compile(r"\{\{\s*(demo|result)\s*\(")
DIAGRAM_LINE = re.compile(
    r"^(?P<indent>[ \t]*)\{\{\s*diagram\(\s*" + _STRING + r"\s*\)\s*\}\}[ \t]*$"
)
ANY_DIAGRAM = re.compile(r"\{\{\s*diagram\s*\(")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
DEMO_ID = re.compile(r"^[0-9]{2}/[A-Za-z0-9_]+$")


class MacroError(ValueError):
    """A macro that cannot be read or filled; the message says which and why."""


def outside_fences(lines):
    """Yield ``(index, line)`` for each line of ``lines`` outside fenced code blocks.

    A fence opens with three or more backticks or tildes and closes with at least as many
    of the same character; the fence lines themselves are not yielded.
    """
    fence = None
    for index, line in enumerate(lines):
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        yield index, line


def _quoted(match, first):
    """The text of the quoted argument whose two alternative groups start at ``first``."""
    double, single = match.group(first), match.group(first + 1)
    return double if double is not None else single


def demo_line(line):
    """``(indent, demo_id)`` if ``line`` is a demo macro, else None."""
    match = DEMO_LINE.match(line)
    return (match.group("indent"), _quoted(match, 2)) if match else None


def diagram_line(line):
    """``(indent, name)`` if ``line`` is a diagram macro, else None."""
    match = DIAGRAM_LINE.match(line)
    return (match.group("indent"), _quoted(match, 2)) if match else None


def result_calls(line):
    """``[(demo_id, dotted_path, spec)]`` of the result macros in ``line`` (spec "" if none)."""
    return [(_quoted(call, 1), _quoted(call, 3), _quoted(call, 5) or "")
            for call in RESULT_CALL.finditer(line)]


def fill_results(line, format_result):
    """``line`` with each result macro replaced by ``format_result(demo_id, path, spec)``.

    Raises MacroError if a demo or result macro is left that cannot be read (a demo macro not
    alone on its line, a malformed call).
    """
    line = RESULT_CALL.sub(
        lambda call: format_result(_quoted(call, 1), _quoted(call, 3), _quoted(call, 5) or ""),
        line,
    )
    if ANY_MACRO.search(line):
        raise MacroError("cannot read this macro (a demo must be alone on its line; strings in "
                         f"double quotes): {line.strip()!r}")
    return line


def page_macros(text):
    """``[(kind, args)]`` for every demo and result macro of a page, outside code fences.

    ``kind`` is ``"demo"`` with ``args = (demo_id,)`` or ``"result"`` with
    ``args = (demo_id, dotted_path, spec)``.
    """
    found = []
    for _, line in outside_fences(text.split("\n")):
        demo = demo_line(line)
        if demo:
            found.append(("demo", (demo[1],)))
            continue
        found.extend(("result", call) for call in result_calls(line))
    return found


def notebook_cell_id(demo_id):
    """The id of a demo's code cell in the notebooks, e.g. ``demo-04-worked_example``.

    nbformat allows letters, digits, ``-`` and ``_``; JupyterLab scrolls to the cell for a
    ``#cell-id=...`` fragment.
    """
    return "demo-" + re.sub(r"[^A-Za-z0-9_-]", "-", demo_id)


def demo_notebook_path(demo_id):
    """Where a demo's own notebook lies among the notebooks, e.g. ``demos/04-worked_example.ipynb``.

    The notebooks are written there and the page's "Open in notebook" opens it.
    """
    return "demos/" + re.sub(r"[^A-Za-z0-9_-]", "-", demo_id) + ".ipynb"


def lookup(result, dotted_path, demo_id="?"):
    """The value at ``dotted_path`` ("weights.0.1") in a demo's ``result``; "" is the whole.

    Raises MacroError naming the missing key and what the result holds there instead.
    """
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
            raise MacroError(
                f"demo {demo_id!r}: unknown key {part!r} in {dotted_path!r} ({where} has {have})"
            )
        walked.append(part)
    return value


def format_text(value, spec, demo_id="?", dotted_path=""):
    """``value`` formatted with ``spec``, as plain text.

    Raises MacroError if ``spec`` does not apply to the value.
    """
    try:
        return format(value, spec or "")
    except (TypeError, ValueError) as error:
        raise MacroError(
            f"demo {demo_id!r}: cannot format {dotted_path!r} = {value!r} with {spec!r}: {error}"
        ) from None


def format_value(value, spec, demo_id="?", dotted_path=""):
    """``value`` formatted with ``spec`` as page text (HTML-escaped: a result is never markup).

    Raises MacroError if ``spec`` does not apply to the value.
    """
    text = format_text(value, spec, demo_id, dotted_path)
    # "<img src=x onerror=...>" must show as those characters. "&" stays as it is: alone it
    # can only start a character reference, never a tag, and a result placed in maths (a
    # matrix's "a & b") is escaped again by arithmatex, so "&amp;" would reach KaTeX as the
    # text "amp;".
    return html.escape(text, quote=True).replace("&amp;", "&")


def swap_placeholders(content, placeholders, page_label, what):
    """The page's HTML with each placeholder token (alone in a paragraph or bare) replaced.

    Raises MacroError if Markdown lost a token (``what`` names the kind, e.g. "demo").
    """
    for token, block in placeholders.items():
        wrapped = f"<p>{token}</p>"
        if wrapped in content:
            content = content.replace(wrapped, block)
        elif token in content:
            content = content.replace(token, block)
        else:
            raise MacroError(f"{page_label}: a {what} placeholder was lost by Markdown")
    return content
