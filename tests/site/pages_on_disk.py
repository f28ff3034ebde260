"""The repository's Markdown pages, as the site tests read them."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def docs_pages():
    """Every Markdown page under docs/, as (relative POSIX path, text)."""
    docs = REPO / "docs"
    return [
        (path.relative_to(docs).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(docs.rglob("*.md"))
    ]
