"""hooks/python_zip.py: the archive the browser unpacks holds pycore, the demo runner and
the exercise checkers, is deterministic, and is importable on its own."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from hook_loader import REPO, load_hook

python_zip = load_hook("python_zip")


def test_members(tmp_path):
    members = python_zip.write_python_zip(tmp_path / "python.zip")
    assert "pycore/__init__.py" in members and "exercises/__init__.py" in members
    assert {"demos/__init__.py", "demos/runner.py", "demos/params.py"} <= set(members)
    assert not [m for m in members if m.startswith("demos/0") or "__pycache__" in m]
    assert not [m for m in members if m.endswith(".pyc")]
    with zipfile.ZipFile(tmp_path / "python.zip") as archive:
        assert sorted(archive.namelist()) == members
        assert archive.read("pycore/__init__.py") == (REPO / "pycore/__init__.py").read_bytes()


def test_deterministic(tmp_path):
    python_zip.write_python_zip(tmp_path / "a.zip")
    python_zip.write_python_zip(tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_built_site_archive_is_importable_alone(built_site, tmp_path):
    archive = built_site / "assets" / "build" / "python.zip"
    assert archive.is_file(), "the build did not write assets/build/python.zip"
    code = (
        "import pycore, demos.runner, demos.params, exercises; "
        f"assert pycore.__file__.startswith({str(archive)!r}), pycore.__file__; "
        "print(demos.runner.run_demo('import pycore as pc\\nresult = pc.softmax([0.0, 0.0])')"
        "['result'])"
    )
    env = dict(os.environ, PYTHONPATH=str(archive), MPLBACKEND="Agg")
    finished = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env,
                              capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "[0.5, 0.5]"
