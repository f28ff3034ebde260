"""CONTRIBUTING.md stays true: the files it sends contributors to exist, and the CI workflow
uploads the built site as the preview artifact it promises."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
GUIDE = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
# The scaffold's worked example (chapter 14) names files that exist only after running it.
EXAMPLE = re.compile(r"(^|[/_-])(ch)?14([/_.-]|$)")


def test_every_file_the_guide_names_exists():
    named = set(re.findall(r"`\.?(?:[\w.-]+/)+[\w.-]+\.(?:py|md|yml|sh|mjs|json)`", GUIDE))
    paths = {name.strip("`") for name in named}
    # Skipped: patterns, the scaffold's example, relative links inside docs/, and the
    # steering repository's spec/ (outside this repository).
    checked = sorted(p for p in paths if "*" not in p and "NN" not in p
                     and not EXAMPLE.search(p) and not p.startswith(("../", "spec/")))
    assert len(checked) >= 10, checked
    missing = [p for p in checked if not (REPO / p).exists()]
    assert not missing, f"CONTRIBUTING.md names files that do not exist: {missing}"


def test_guide_covers_the_contributor_path():
    for heading in ("From fork to merged page", "A chapter's layout", "The demo contract",
                    "Writing a demo that works in the page", "Markdown",
                    '"Check yourself": an exercise and its checker', "Running one chapter's tests",
                    "House style", "Review checklist", "The page <-> worker contract (DOM)"):
        assert re.search(rf"^#+ {re.escape(heading)}$", GUIDE, re.M), f"no section {heading!r}"
    assert "python scripts/new_chapter.py" in GUIDE
    assert "RecursionError" in GUIDE, "the Matplotlib pitfall of Pyodide 0.17 is documented"


def test_ci_uploads_the_built_site_as_a_preview():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    steps = workflow["jobs"]["test"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any("bash .ci/run" in run for run in runs), "CI no longer runs the test command"
    build = next(i for i, run in enumerate(runs) if "mkdocs build --strict" in run)
    upload = next(i for i, step in enumerate(steps)
                  if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert build < upload, "the preview is uploaded before it is built"
    site_dir = re.search(r"--site-dir\s+(\S+)", runs[build]).group(1).rstrip("/")
    assert steps[upload]["with"]["path"].rstrip("/") == site_dir
    assert "site-preview" in steps[upload]["with"]["name"]
