"""demos/browser.py: the worker's start-up, run as the worker runs it, from python.zip's files."""
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from demos import browser, demo_path
from demos.shipped import DATA_TREE, shipped_files

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).resolve().parent / "worker_probe.py"
PY38 = ROOT / ".venv38" / "bin" / "python"
DEMO_ID = "13/speculative"  # loads a shipped model, so its data files must be fetched


def unpacked_archive(target):
    """The files python.zip holds, copied to ``target`` (no pycore/data/, as in the worker)."""
    for name in shipped_files(ROOT):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, target / name)
    return target


def _close(got, expected):
    """Equal JSON values, floats within 1e-9 (relative) or 1e-12 (absolute)."""
    if isinstance(expected, dict):
        return isinstance(got, dict) and got.keys() == expected.keys() and all(
            _close(got[key], expected[key]) for key in expected)
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and all(
            _close(a, b) for a, b in zip(got, expected))
    if isinstance(expected, float):
        return isinstance(got, (int, float)) and math.isclose(got, expected, rel_tol=1e-9,
                                                              abs_tol=1e-12)
    return got == expected


def probe(unpacked, served, tmp_path, python=sys.executable):
    # Not the repository: the probe must import the unpacked copy, like the worker.
    env = dict(os.environ, PYTHONPATH="", MPLBACKEND="")
    return subprocess.run([str(python), str(PROBE), str(unpacked), str(served),
                           str(demo_path(DEMO_ID))], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("tier", ["this Python", "Python 3.8 / NumPy 1.17"])
def test_start_runs_a_demo_and_fetches_missing_data(tmp_path, cpython_run, tier):
    python = sys.executable
    if tier != "this Python":
        python = PY38  # the browser's versions (scripts/test-py38.sh makes this venv)
        if not PY38.exists():
            pytest.skip("no .venv38 (Python 3.8 + NumPy 1.17): run scripts/test-py38.sh")
    unpacked = unpacked_archive(tmp_path / "itt")
    assert not (unpacked / DATA_TREE).exists()
    finished = probe(unpacked, ROOT / DATA_TREE, tmp_path, python)
    assert finished.returncode == 0, finished.stderr
    report = json.loads(finished.stdout.strip().splitlines()[-1])
    assert Path(report["pycore_file"]).resolve() == (unpacked / "pycore/__init__.py").resolve()
    outcome = report["outcome"]
    assert outcome["error"] is None, outcome["error"]
    # NumPy 1.17 rounds a few last bits differently from this NumPy.
    assert _close(outcome["result"], cpython_run(DEMO_ID)["result"]), outcome["result"]
    assert report["fetched"], "the demo loads a model: its data files are fetched on first read"
    assert all((ROOT / DATA_TREE / name).is_file() for name in report["fetched"])
    assert report["recursion_limit"] >= browser.RECURSION_LIMIT


def test_an_import_error_of_pycore_is_raised_not_swallowed(tmp_path):
    unpacked = unpacked_archive(tmp_path / "itt")
    (unpacked / "pycore/__init__.py").write_text(
        'raise ImportError("pycore is broken in this archive")\n', encoding="utf-8")
    finished = probe(unpacked, ROOT / DATA_TREE, tmp_path)
    assert finished.returncode != 0
    assert "ImportError: pycore is broken in this archive" in finished.stderr, finished.stderr
    assert "demos/browser.py" in finished.stderr, "raised by start(), not by a later run"
