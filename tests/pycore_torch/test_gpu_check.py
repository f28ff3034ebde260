"""scripts/gpu-check.sh stops at once, with a message and its own exit status, where there is
no GPU (no nvidia-smi, or one that finds no device) or where torch cannot see it; it installs
and runs nothing then. (The full check needs a GPU: see the README.)"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "gpu-check.sh"
BASH = shutil.which("bash")


def _run(tmp_path, nvidia_smi=None, python=None):
    """Run the script with a PATH holding only what its first checks use (and a fake
    ``nvidia-smi`` script body, if given); the finished process."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "date", "grep", "mkdir", "sort", "uniq", "xargs"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    if nvidia_smi is not None:
        fake = bin_dir / "nvidia-smi"
        fake.write_text("#!" + BASH + "\n" + nvidia_smi + "\n")
        fake.chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": os.environ.get("HOME", "/tmp")}
    if python is not None:
        env["PYTHON"] = python
    out = tmp_path / "out"
    finished = subprocess.run([BASH, str(SCRIPT), str(out)], cwd=str(tmp_path), env=env,
                              capture_output=True, text=True, timeout=60)
    return finished, out


def test_stops_without_nvidia_smi(tmp_path):
    finished, out = _run(tmp_path)
    assert finished.returncode == 3, finished.stderr
    assert "no NVIDIA GPU here (nvidia-smi is not installed)" in finished.stderr
    assert "nothing was installed or run" in finished.stderr
    assert not out.exists(), "the script wrote results without a GPU"


def test_stops_when_nvidia_smi_finds_no_gpu(tmp_path):
    failing = ('echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA '
               'driver."; exit 9')
    finished, out = _run(tmp_path, nvidia_smi=failing)
    assert finished.returncode == 3, finished.stderr
    assert "nvidia-smi finds no usable GPU: NVIDIA-SMI has failed" in finished.stderr
    assert not out.exists()


def test_stops_when_torch_cannot_see_the_gpu(tmp_path):
    # A GPU is listed, but the interpreter's torch cannot use it (here: no torch at all).
    listed = 'echo "NVIDIA H100 80GB HBM3"'
    finished, out = _run(tmp_path, nvidia_smi=listed, python=shutil.which("false"))
    assert finished.returncode == 4, finished.stderr
    assert "1 GPU(s)" in finished.stdout
    assert "does not see the GPU" in finished.stderr
    assert not (out / "summary.txt").exists(), "steps ran although torch sees no GPU"
