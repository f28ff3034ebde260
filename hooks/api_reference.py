"""MkDocs hook: fill the API reference page with one section per ``pycore`` module.

``docs/api.md`` holds the marker ``<!-- pycore-modules -->``; this hook replaces it with a
``::: pycore.<module>`` block (rendered by mkdocstrings) for every public module that exists
at build time, so the page follows the library as it grows without hand edits.
"""
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pycore"
MARKER = "<!-- pycore-modules -->"
API_PAGE = "api.md"


def public_modules(package=PACKAGE):
    """Names of pycore's public modules (no leading underscore), sorted."""
    return sorted(
        path.stem for path in package.glob("*.py") if not path.name.startswith("_")
    )


def module_sections(names):
    """The Markdown that documents each module in ``names``."""
    blocks = []
    for name in names:
        blocks.append(
            f"::: pycore.{name}\n"
            "    options:\n"
            "      show_root_heading: true\n"
            "      heading_level: 2\n"
        )
    return "\n".join(blocks)


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != API_PAGE:
        return markdown
    if MARKER not in markdown:
        raise PluginError(f"{API_PAGE} lost its marker {MARKER}: put it where modules go")
    names = public_modules()
    if not names:
        raise PluginError("pycore has no public modules to document")
    return markdown.replace(MARKER, module_sections(names))
