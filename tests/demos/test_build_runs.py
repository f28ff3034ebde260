"""demos/build_runs.py: the cached build-time runs, keyed by everything a run depends on."""
import json
import shutil

import pytest

from demos import build_runs
from demos.build_runs import BuildRuns
from demos.pages import MacroError
from demos.shipped import shipped_files


def test_library_files_cover_the_shipped_python_its_data_and_the_batch_runner():
    files = set(build_runs.library_files())
    assert set(shipped_files(data=True)) <= files
    assert {"pycore/__init__.py", "exercises/__init__.py", "demos/runner.py",
            "demos/helpers.py", "demos/batch.py", "pycore/data/lm_tiny.npz"} <= files


def test_library_hash_changes_with_any_library_file(tmp_path):
    root = tmp_path / "repo"
    for name in build_runs.library_files():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(build_runs.ROOT / name, root / name)
    before = build_runs.library_hash(root)
    assert before == build_runs.library_hash(root)
    with open(root / "demos/helpers.py", "a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    assert build_runs.library_hash(root) != before


def test_runs_load_once_check_and_format(tmp_path):
    demo_dir, cache = tmp_path / "demos", tmp_path / "cache"
    (demo_dir / "98").mkdir(parents=True)
    (demo_dir / "98" / "good.py").write_text("result = {'w': [0.25, 0.5]}\n", encoding="utf-8")
    (demo_dir / "98" / "broken.py").write_text("result = 1 / 0\n", encoding="utf-8")
    runs = BuildRuns(demo_dir, cache)
    loaded = runs.load(["98/good", "98/broken"])  # one batch for both
    assert loaded["98/good"]["outcome"]["result"] == {"w": [0.25, 0.5]}
    assert len(list(cache.glob("*.json"))) == 2
    assert runs.format_result("98/good", "w.1", ".1%") == "50.0%"
    with pytest.raises(MacroError, match=r"(?s)'98/broken' failed at build time.*ZeroDivision"):
        runs.checked("98/broken")
    with pytest.raises(MacroError, match="unknown demo '98/nope'"):
        runs.load(["98/nope"])
    with pytest.raises(MacroError, match="not of the form"):
        runs.demo_file("good")
    # A new build reads the cache: an entry edited there is what it sees (nothing reruns).
    entry = cache / f"{loaded['98/good']['key']}.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["outcome"]["result"] = {"w": [0.0, 1.0]}
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert runs.format_result("98/good", "w.1") == "0.5", "loaded once per build"
    runs.forget()
    assert runs.format_result("98/good", "w.1") == "1.0"
