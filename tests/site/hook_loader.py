"""Import the MkDocs hook modules (hooks/*.py are files, not a package) for direct tests."""
from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_loaded = {}


def load_hook(name):
    """The module hooks/<name>.py, imported once under the name ``itt_hook_<name>``."""
    if name not in _loaded:
        spec = importlib.util.spec_from_file_location(
            f"itt_hook_{name}", REPO / "hooks" / f"{name}.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _loaded[name] = module
    return _loaded[name]


def markdown_macros(text):
    """(kind, args) for every demo/result macro of a Markdown text outside code fences."""
    demos = load_hook("demos")
    found, fence = [], None
    for line in text.split("\n"):
        opened = demos.FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        demo_line = demos.DEMO_LINE.match(line)
        if demo_line:
            found.append(("demo", (demos._string(demo_line, 2),)))
            continue
        for call in demos.RESULT_CALL.finditer(line):
            found.append(
                ("result", (demos._string(call, 1), demos._string(call, 3),
                            demos._string(call, 5) or ""))
            )
    return found


def docs_pages():
    """Every Markdown page under docs/, as (relative POSIX path, text)."""
    docs = REPO / "docs"
    return [
        (path.relative_to(docs).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(docs.rglob("*.md"))
    ]
