"""scripts/new_chapter.py: the scaffolded chapter passes its tests and builds, as generated.

The end-to-end tests copy the repository's files (tracked, plus untracked files git does not
ignore) into a temporary folder, with this checkout's ``.venv`` and ``node_modules`` linked
and its browser bundle copied, run the scaffold there, then run in the copy: the new
chapter's tests and ruff; ``mkdocs build --strict``; and the browser suite on the new page
(every demo in Chromium equals CPython, clean full load). JupyterLite, the slow part of a
build and unrelated to a chapter, is switched off in the copy's mkdocs.yml, after the
scaffold has edited it. The real checkout is never written to.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import new_chapter

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "new_chapter.py"
NAV = """\
nav:
  - Home: index.md
  - Chapters:
      - "02 · Two": chapters/02-two.md
      - "05 · Five": chapters/05-five.md
  - About: about.md
"""



def _fake_root(tmp_path):
    """A minimal repository layout: mkdocs.yml with a chapter nav, empty folders."""
    root = tmp_path / "repo"
    for folder in ("docs/chapters", "demos", "exercises", "tests/demos", "tests/exercises"):
        (root / folder).mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: x\n" + NAV, encoding="utf-8")
    return root


@pytest.mark.parametrize("number, slug, title, demo", [
    ("4", "attention", "Attention", "explore"),
    ("00", "intro", "Intro", "explore"),
    ("1a", "intro", "Intro", "explore"),
    ("14", "Mixture-of-Experts", "MoE", "explore"),
    ("14", "moe--layers", "MoE", "explore"),
    ("14", "moe", 'The "MoE"', "explore"),
    ("14", "moe", "  ", "explore"),
    ("14", "moe", "MoE", "Explore-1"),
    ("14", "moe", "MoE", "check_yourself"),
])
def test_rejects_bad_arguments(tmp_path, number, slug, title, demo):
    root = _fake_root(tmp_path)
    before = (root / "mkdocs.yml").read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        new_chapter.scaffold(root, number, slug, title, demo)
    assert (root / "mkdocs.yml").read_text(encoding="utf-8") == before
    assert not list((root / "docs" / "chapters").iterdir())


def test_nav_entry_goes_in_chapter_order():
    text = new_chapter.with_nav_entry(NAV, "03", "three", "Three & more")
    lines = text.splitlines()
    assert lines[3:6] == [
        '      - "02 · Two": chapters/02-two.md',
        '      - "03 · Three & more": chapters/03-three.md',
        '      - "05 · Five": chapters/05-five.md',
    ]
    first = new_chapter.with_nav_entry(NAV, "01", "one", "One").splitlines()
    assert first[3] == '      - "01 · One": chapters/01-one.md'
    last = new_chapter.with_nav_entry(NAV, "09", "nine", "Nine").splitlines()
    assert last[5] == '      - "09 · Nine": chapters/09-nine.md'
    assert last[6] == "  - About: about.md"
    with pytest.raises(ValueError, match="already has a nav entry"):
        new_chapter.with_nav_entry(NAV, "05", "again", "Again")


def test_writes_every_file_then_refuses_to_overwrite(tmp_path):
    root = _fake_root(tmp_path)
    written = new_chapter.scaffold(root, "07", "seven", "Seven")
    names = sorted(path.relative_to(root).as_posix() for path in written)
    assert names == [
        "demos/07/check_yourself.py", "demos/07/explore.py", "docs/chapters/07-seven.md",
        "exercises/ch07.py", "mkdocs.yml", "tests/demos/test_07_check_yourself.py",
        "tests/demos/test_07_explore.py", "tests/exercises/test_ch07.py",
    ]
    for path in written:
        assert "@@" not in path.read_text(encoding="utf-8"), f"{path}: placeholder left"
    page = (root / "docs" / "chapters" / "07-seven.md").read_text(encoding="utf-8")
    assert page.startswith("# 07 · Seven\n")
    assert '{{ demo("07/explore") }}' in page and '{{ demo("07/check_yourself") }}' in page
    # The skeleton of CONTRIBUTING.md, in order.
    headings = re.findall(r"^## (.+)$", page, flags=re.M)
    assert headings == ["The idea", "The maths", "Demos", "Shape check", "Check yourself",
                        "Summary", "References"]
    assert '!!! warning "Common mistake"' in page

    snapshot = {path: path.read_bytes() for path in written}
    # Any file of chapter 07 blocks a second run, which then writes nothing at all.
    with pytest.raises(FileExistsError, match="nothing was written"):
        new_chapter.scaffold(root, "07", "other-slug", "Other")
    assert {path: path.read_bytes() for path in written} == snapshot
    assert not (root / "docs" / "chapters" / "07-other-slug.md").exists()

    (root / "tests" / "demos" / "test_08_old.py").write_text("", encoding="utf-8")
    with pytest.raises(FileExistsError, match="test_08_old.py"):
        new_chapter.scaffold(root, "08", "eight", "Eight")
    assert not (root / "demos" / "08").exists()


def test_command_line_reports_refusal(tmp_path):
    root = _fake_root(tmp_path)
    (root / "exercises" / "ch09.py").write_text("", encoding="utf-8")
    finished = subprocess.run(
        [sys.executable, str(SCRIPT), "09", "nine", "Nine", "--root", str(root)],
        capture_output=True, text=True, timeout=60,
    )
    assert finished.returncode == 2
    assert "exercises/ch09.py" in finished.stderr
    assert (root / "exercises" / "ch09.py").read_text(encoding="utf-8") == ""


# --- end to end, in a copy of the repository ----------------------------------------------

def _repository_files():
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=str(REPO), capture_output=True, check=True, timeout=60,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as problem:
        pytest.skip(f"needs a git checkout to know which files to copy: {problem}")
    return [name for name in listed.decode("utf-8").split("\0") if name]


def _free_number():
    taken = {path.name[:2] for path in (REPO / "docs" / "chapters").glob("[0-9][0-9]-*.md")}
    taken |= {path.name for path in (REPO / "demos").glob("[0-9][0-9]")}
    return next(f"{n:02d}" for n in range(99, 0, -1) if f"{n:02d}" not in taken)


def _run(command, cwd, what, timeout):
    env = dict(os.environ, PYTHONPATH=str(cwd), NO_MKDOCS_2_WARNING="1")
    finished = subprocess.run(command, cwd=str(cwd), env=env, capture_output=True, text=True,
                              timeout=timeout)
    assert finished.returncode == 0, (
        f"{what} failed in the scaffolded copy:\n{(finished.stdout + finished.stderr)[-6000:]}")
    return finished.stdout


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    """A copy of the repository with a new chapter scaffolded: (root, number, slug)."""
    bundle = REPO / "docs" / "assets" / "build"
    if not (bundle / "itt.js").is_file():
        pytest.fail("docs/assets/build/itt.js is missing: run `npm run build` first")
    root = tmp_path_factory.mktemp("scaffold") / "repo"
    for name in _repository_files():
        source = REPO / name
        if source.is_file():  # listed files deleted in the working tree are skipped
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    # Installed packages are linked (hundreds of MB); the bundle (tens of MB) is copied,
    # because the browser suite rebuilds it in place.
    os.symlink(REPO / "node_modules", root / "node_modules")
    if (REPO / ".venv").is_dir():
        os.symlink(REPO / ".venv", root / ".venv")
    shutil.copytree(bundle, root / "docs" / "assets" / "build")
    number, slug = _free_number(), "scaffold-check"
    _run([sys.executable, "scripts/new_chapter.py", number, slug, "Scaffold check"], root,
         "new_chapter.py", timeout=60)
    config = root / "mkdocs.yml"
    config.write_text(_without_jupyterlite(config.read_text(encoding="utf-8")), encoding="utf-8")
    return root, number, slug


def _without_jupyterlite(text):
    """mkdocs.yml text with ``extra.notebooks.jupyterlite: false`` (see the docstring)."""
    if re.search(r"^    jupyterlite:", text, re.M):
        return re.sub(r"^(    jupyterlite:).*$", r"\1 false", text, count=1, flags=re.M)
    if "\n  notebooks:\n" in text:
        return text.replace("\n  notebooks:\n", "\n  notebooks:\n    jupyterlite: false\n", 1)
    assert "\nextra:\n" in text, "mkdocs.yml has no top-level `extra:` to extend"
    return text.replace("\nextra:\n", "\nextra:\n  notebooks:\n    jupyterlite: false\n", 1)


@pytest.mark.slow
def test_new_chapter_tests_pass_as_generated(scaffolded):
    root, number, _ = scaffolded
    tests = sorted(str(p.relative_to(root)) for p in root.glob(f"tests/demos/test_{number}_*.py"))
    tests.append(f"tests/exercises/test_ch{number}.py")
    assert len(tests) == 3, tests
    output = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
                  root, "pytest on the new chapter's tests", timeout=300)
    assert re.search(r"\b6 passed\b", output), output[-2000:]
    ruff = Path(sys.executable).with_name("ruff")
    if ruff.exists():  # generated code is held to the repository's lint rules
        _run([str(ruff), "check", f"demos/{number}", f"exercises/ch{number}.py", *tests],
             root, "ruff", timeout=120)


@pytest.mark.slow
def test_new_chapter_builds_strict_with_its_demos(scaffolded):
    root, number, slug = scaffolded
    site = root / "site"
    _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], root,
         "mkdocs build --strict", timeout=600)
    page = (site / "chapters" / f"{number}-{slug}" / "index.html").read_text(encoding="utf-8")
    assert f"{number} · Scaffold check" in page
    for demo in ("explore", "check_yourself"):
        assert f'data-demo="{number}/{demo}"' in page, f"demo {number}/{demo} not on the page"
    assert f'id="itt-fig-{number}-explore-1"' in page, "the build-time figure is missing"
    assert 'class="itt-chart-static" role="img" aria-label="Bar chart of weight' in page
    assert "{{" not in page, "a macro was left unrendered"
    # The prose number is filled from the demo's build-time result.
    assert re.search(r"largest weight is\s+0\.\d{3}\.", page), "prose number not filled"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"chapters/{number}-{slug}/" in home, "the nav has no entry for the new chapter"
    assert (site / "notebooks" / f"{number}-{slug}.ipynb").is_file()


@pytest.mark.slow
@pytest.mark.browser
def test_new_chapter_passes_the_browser_suite(scaffolded):
    pytest.importorskip("playwright.sync_api")
    root, number, slug = scaffolded
    if not (root / ".venv" / "bin" / "mkdocs").exists():
        pytest.skip("the browser suite builds with .venv/bin/mkdocs; this checkout has none")
    env = dict(os.environ, PYTHONPATH=str(root), NO_MKDOCS_2_WARNING="1")
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
         "tests/browser/test_site.py", "-k", f"{number}-{slug}"],
        cwd=str(root), env=env, capture_output=True, text=True, timeout=600)
    output = finished.stdout + finished.stderr
    if finished.returncode == 0 and re.search(r"\bskipped\b", output) and "passed" not in output:
        pytest.skip("the browser suite skipped itself in the copy:\n" + output[-1500:])
    assert finished.returncode == 0, "browser suite failed on the new chapter:\n" + output[-6000:]
    # One clean full load of the page, and every demo on it equal to CPython.
    assert re.search(r"\b2 passed\b", output), output[-2000:]
