"""Every formula in the pages renders with the site's KaTeX (a rejected one shows as red text)."""
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = sorted(str(path) for path in (REPO / "docs").rglob("*.md"))


def test_every_formula_renders_with_katex():
    node = shutil.which("node")
    if node is None or not (REPO / "node_modules" / "katex").is_dir():
        pytest.skip("node and the npm packages (npm ci) are needed")
    finished = subprocess.run([node, str(Path(__file__).with_name("katex_check.js")), *PAGES],
                              capture_output=True, text=True)
    assert finished.returncode == 0, "KaTeX rejects:\n" + finished.stdout + finished.stderr
