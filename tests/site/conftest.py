"""Fixtures shared by the site tests that call hooks/demo_macros.py directly."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demos.build_runs import BuildRuns  # noqa: E402
from hooks import demo_macros as demos_hook  # noqa: E402


@pytest.fixture
def demo_dir(tmp_path, monkeypatch):
    """A private demos/ and cache folder for the hook; returns a writer of demo files."""
    root = tmp_path / "demos"
    monkeypatch.setattr(demos_hook, "RUNS", BuildRuns(root, tmp_path / "cache"))
    demos_hook.on_pre_build(None)

    def write(demo_id, source):
        path = root / f"{demo_id}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        return path

    yield write
    demos_hook.on_pre_build(None)
