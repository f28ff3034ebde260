"""A test may skip only for a missing capability (no torch, no CUDA, no browser), never for a
module of this repository: ``pytest.importorskip("pycore_torch")`` turned a broken import of
the project's own code into a silent skip. Every ``importorskip`` in tests/ must name a
third-party package."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"


def _own_modules():
    """Top-level names this checkout provides: its packages, root modules and test helpers."""
    names = {p.name for p in REPO.iterdir() if (p / "__init__.py").is_file()}
    names |= {p.stem for p in REPO.glob("*.py")}
    names |= {p.stem for p in TESTS.rglob("*.py")}
    return names


def _importorskips(path):
    """(line, module name) of every ``importorskip("name")`` call in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "importorskip" and node.args
                and isinstance(node.args[0], ast.Constant)):
            yield node.lineno, node.args[0].value


def test_own_modules_are_known():
    own = _own_modules()
    assert {"pycore", "pycore_torch", "demos", "exercises"} <= own, sorted(own)


def test_no_test_skips_on_a_module_of_this_repository():
    own = _own_modules()
    found, stale = 0, []
    for path in sorted(TESTS.rglob("*.py")):
        for line, name in _importorskips(path):
            found += 1
            if name.split(".")[0] in own:
                stale.append(f"{path.relative_to(REPO)}:{line}: importorskip({name!r})")
    assert found, "no importorskip found at all: the scan is broken"
    assert not stale, ("these skip when the project's own code fails to import; import it "
                       "instead:\n" + "\n".join(stale))
