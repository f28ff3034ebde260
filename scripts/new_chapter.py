"""Scaffold a new chapter: ``python scripts/new_chapter.py NN slug "Title"``.

Creates, from the templates in ``scripts/templates/chapter/``:

- ``docs/chapters/NN-slug.md``: the page, in the chapter skeleton (CONTRIBUTING.md), with
  TODOs for the prose, a demo, a computed prose number and a "Check yourself";
- ``demos/NN/<demo>.py``: a working demo with a ``# @param`` slider, a figure and a ``result``;
- ``demos/NN/check_yourself.py`` and ``exercises/chNN.py``: an exercise and its checker;
- ``tests/demos/test_NN_<demo>.py``, ``tests/demos/test_NN_check_yourself.py`` and
  ``tests/exercises/test_chNN.py``: tests that pass as generated;
- the nav entry in ``mkdocs.yml``, in chapter order.

It refuses to overwrite anything: if the chapter number is taken (a page, a demo folder, a
checker or a test for it exists) it stops before writing a single file. The result builds
with ``mkdocs build --strict`` and passes its tests as it is; then replace the TODOs.
"""
import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates" / "chapter"

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEMO_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# A chapter's nav line: `      - "04 · Attention, from scratch": chapters/04-attention.md`
NAV_CHAPTER = re.compile(
    r'^(?P<indent>\s*)- "(?P<nn>[0-9]{2}) · .*": chapters/[0-9]{2}-\S+\.md\s*$')


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Create a new chapter (page, demos, checker, tests, nav entry).")
    parser.add_argument("number", help="two-digit chapter number, e.g. 14")
    parser.add_argument("slug", help="lowercase words joined by hyphens, e.g. mixture-of-experts")
    parser.add_argument("title", help='the chapter title, e.g. "Mixture of experts"')
    parser.add_argument("--demo", default="explore",
                        help="name of the first demo file (default: explore)")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="repository root (default: this script's repository)")
    return parser.parse_args(argv)


def validate(number, slug, title, demo):
    """Raise ValueError with an actionable message for a bad number, slug, title or demo."""
    if not re.fullmatch(r"[0-9]{2}", number) or number == "00":
        raise ValueError(f"chapter number {number!r} must be two digits from 01 to 99, e.g. 14")
    if not SLUG.match(slug):
        raise ValueError(f"slug {slug!r} must be lowercase letters and digits joined by "
                         "single hyphens, e.g. mixture-of-experts")
    if not title.strip() or any(c in title for c in '"\\\n\r\t'):
        raise ValueError(f"title {title!r} must be non-empty, on one line, without quotes "
                         "or backslashes")
    if not DEMO_NAME.match(demo) or demo == "check_yourself":
        raise ValueError(f"demo name {demo!r} must be a Python identifier in lowercase "
                         "(and not check_yourself, which the scaffold writes)")


def planned_files(root, number, slug, demo):
    """{path: template name} for every file the scaffold writes."""
    return {
        root / "docs" / "chapters" / f"{number}-{slug}.md": "chapter.md.tmpl",
        root / "demos" / number / f"{demo}.py": "demo.py.tmpl",
        root / "demos" / number / "check_yourself.py": "check_yourself.py.tmpl",
        root / "exercises" / f"ch{number}.py": "checker.py.tmpl",
        root / "tests" / "demos" / f"test_{number}_{demo}.py": "test_demo.py.tmpl",
        root / "tests" / "demos" / f"test_{number}_check_yourself.py":
            "test_check_yourself.py.tmpl",
        root / "tests" / "exercises" / f"test_ch{number}.py": "test_exercises.py.tmpl",
    }


def conflicts(root, number, files):
    """Existing paths that mean chapter ``number`` is taken (nothing may be overwritten)."""
    taken = [path for path in files if path.exists()]
    taken += sorted((root / "docs" / "chapters").glob(f"{number}-*.md"))
    if (root / "demos" / number).exists():
        taken.append(root / "demos" / number)
    taken += sorted((root / "tests" / "demos").glob(f"test_{number}_*.py"))
    return sorted(set(taken))


def render(template, number, slug, title, demo):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    for key, value in (("@@NN@@", number), ("@@SLUG@@", slug), ("@@TITLE@@", title),
                       ("@@DEMO@@", demo)):
        text = text.replace(key, value)
    if "@@" in text:
        raise ValueError(f"template {template} has an unknown placeholder")
    return text


def with_nav_entry(mkdocs_text, number, slug, title):
    """``mkdocs.yml`` text with the chapter's nav line inserted in chapter order."""
    lines = mkdocs_text.split("\n")
    chapters = [(i, m) for i, m in ((i, NAV_CHAPTER.match(line)) for i, line in enumerate(lines))
                if m]
    if not chapters:
        raise ValueError('mkdocs.yml has no chapter nav lines like `- "04 · Title": '
                         'chapters/04-slug.md`; add the entry by hand')
    if any(m.group("nn") == number for _, m in chapters):
        raise ValueError(f"mkdocs.yml already has a nav entry for chapter {number}")
    before = [i for i, m in chapters if m.group("nn") < number]
    at = before[-1] + 1 if before else chapters[0][0]
    indent = chapters[0][1].group("indent")
    lines.insert(at, f'{indent}- "{number} · {title}": chapters/{number}-{slug}.md')
    return "\n".join(lines)


def scaffold(root, number, slug, title, demo="explore"):
    """Write the new chapter's files and nav entry; returns the paths written."""
    validate(number, slug, title, demo)
    root = Path(root).resolve()
    files = planned_files(root, number, slug, demo)
    taken = conflicts(root, number, files)
    if taken:
        names = ", ".join(str(path.relative_to(root)) for path in taken)
        raise FileExistsError(f"chapter {number} is taken ({names}); nothing was written")
    mkdocs_yml = root / "mkdocs.yml"
    # Render everything first so a problem stops the scaffold before it writes anything.
    nav = with_nav_entry(mkdocs_yml.read_text(encoding="utf-8"), number, slug, title)
    texts = {path: render(template, number, slug, title, demo)
             for path, template in files.items()}
    for path, text in texts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    mkdocs_yml.write_text(nav, encoding="utf-8")
    return sorted(texts) + [mkdocs_yml]


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        written = scaffold(args.root, args.number, args.slug, args.title, args.demo)
    except (ValueError, FileExistsError) as problem:
        print(f"new_chapter: {problem}", file=sys.stderr)
        return 2
    root = Path(args.root).resolve()
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    tests = " ".join(str(p.relative_to(root)) for p in written if p.name.startswith("test_"))
    print(f"\nNext: .venv/bin/python -m pytest {tests}\n"
          "then `bash scripts/serve.sh` and replace the TODOs (see CONTRIBUTING.md).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
