"""The Python 3.8 / NumPy 1.17 tier (scripts/test-py38.sh) runs in GitHub CI: the workflow
installs Python 3.8 for the job that runs the test command, and without a 3.8 interpreter the
script fails under GitHub Actions instead of skipping (elsewhere it still skips, saying so)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "test-py38.sh"
BASH = shutil.which("bash")


def _run_without_python38(tmp_path, **env):
    """Run the script with a PATH that holds only ``dirname`` (no python3.8, no pyenv)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dirname").symlink_to(shutil.which("dirname"))
    env = dict(env, PATH=str(bin_dir), HOME=os.environ.get("HOME", "/tmp"))
    return subprocess.run([BASH, str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=60)


def test_fails_under_github_actions_without_python38(tmp_path):
    done = _run_without_python38(tmp_path, GITHUB_ACTIONS="true", CI="true")
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "failing instead of skipping" in done.stderr


def test_skips_elsewhere_without_python38(tmp_path):
    done = _run_without_python38(tmp_path, CI="true")  # CI alone: e.g. the project's harness
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)
    assert "skipping the NumPy 1.17 tier" in done.stdout


def test_the_workflow_gives_the_test_job_python38():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    steps = workflow["jobs"]["test"]["steps"]
    setup = [step for step in steps if step.get("uses", "").startswith("actions/setup-python@")]
    versions = [str(v) for step in setup
                for v in str(step.get("with", {}).get("python-version", "")).split()]
    assert "3.8" in versions, f"the test job installs Python {versions}, not 3.8"
    runs = [step.get("run", "") for step in steps]
    assert any("bash .ci/run" in run for run in runs), "the job no longer runs scripts/test.sh"
    assert "bash scripts/test-py38.sh" in (REPO / "scripts" / "test.sh").read_text("utf-8")
