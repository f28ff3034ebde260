"""demos/shipped.py: the one list of the Python the browser runs is complete and packaged."""
import re
import shutil
from pathlib import Path

import pytest

from demos.shipped import DATA_TREE, RUNNER_FILES, shipped_files

ROOT = Path(__file__).resolve().parents[2]
BOOK_IMPORT = re.compile(r"^\s*(?:from|import)\s+(demos|pycore|exercises)((?:\.\w+)*)", re.M)


def test_the_library_checkers_and_runner_and_nothing_else():
    names = shipped_files()
    assert {"pycore/__init__.py", "exercises/__init__.py", *RUNNER_FILES} <= set(names)
    assert not [n for n in names if re.match(r"demos/[0-9]{2}/", n)], "demo files are not shipped"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(DATA_TREE + "/")]
    with_data = shipped_files(data=True)
    assert [n for n in with_data if n.startswith(DATA_TREE + "/")]
    assert set(names) <= set(with_data)


def test_every_book_module_a_shipped_file_imports_is_shipped():
    """The list cannot go stale: what the runner, checkers and library import travels too."""
    names = set(shipped_files())
    missing = []
    for name in sorted(n for n in names if n.endswith(".py")):
        text = (ROOT / name).read_text(encoding="utf-8")
        for package, dotted in BOOK_IMPORT.findall(text):
            module = package + dotted
            candidates = {module.replace(".", "/") + ".py",
                          module.replace(".", "/") + "/__init__.py"}
            if not candidates & names:
                missing.append(f"{name} imports {module}")
    assert not missing, missing


def test_pyproject_packages_every_shipped_top_level_package():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    include = re.search(r"^include = \[(.*)\]$", pyproject, re.M).group(1)
    patterns = re.findall(r'"([^"]+)"', include)
    for package in sorted({name.split("/")[0] for name in shipped_files()}):
        assert any(re.fullmatch(p.replace("*", ".*"), package) for p in patterns), package


def test_a_missing_runner_file_is_named(tmp_path):
    for name in ("pycore/__init__.py",) + RUNNER_FILES[:-1]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "exercises").mkdir()
    with pytest.raises(FileNotFoundError, match=re.escape(RUNNER_FILES[-1])):
        shipped_files(tmp_path)
