"""scripts/gpu-check.sh stops at once, with a message and its own exit status, where there is
no GPU (no nvidia-smi, or one that finds no device) or where torch cannot see it; it installs
and runs nothing then. (The full check needs a GPU: see the README.)"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

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


# --- the steps, on a stand-in GPU machine -------------------------------------------------
# What the script runs on a GPU cannot run here; its plumbing can. A fake nvidia-smi lists the
# GPUs and a fake Python (whose torch "sees" them) logs every command it is given instead of
# running it, exiting 1 for the step named in FAIL_STEP. The commands it logs are then checked
# against the project's real command line (demos' parser) where that needs no GPU.
FAKE_PYTHON = r"""
line="$*"
printf '%s\n' "${line//$'\n'/ }" >>"$CALLS"
if [ "$1" = "-c" ]; then
    case "$2" in
        *get_device_name*) echo "python 3 | torch fake | CUDA fake" ;;
        *device_count*) echo "$N_TORCH_GPUS" ;;
    esac
    exit 0
fi
case "$*" in *"$FAIL_STEP"*) echo "failing on purpose"; exit 1 ;; esac
exit 0
"""
STEPS = ["cuda-parity-tests", "twin-05-scaling_ablation-large", "twin-13-flash_attention-large",
         "twin-13-kv_cache-large", "twin-12-train_tiny-large"]


def _run_on_fake_gpus(tmp_path, n_gpus, fail_step="no step fails", out="results"):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    smi = bin_dir / "nvidia-smi"
    smi.write_text("#!" + BASH + "\n" + "".join("echo 'NVIDIA H100 80GB HBM3'\n"
                                                for _ in range(n_gpus)))
    python = bin_dir / "python"
    python.write_text("#!" + BASH + "\n" + FAKE_PYTHON)
    for fake in (smi, python):
        fake.chmod(0o755)
    calls = tmp_path / "calls.txt"
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", PYTHON="bin/python",
               CALLS=str(calls), N_TORCH_GPUS=str(n_gpus), FAIL_STEP=fail_step)
    finished = subprocess.run([BASH, str(SCRIPT), out], cwd=str(tmp_path), env=env,
                              capture_output=True, text=True, timeout=60)
    return finished, tmp_path / out, calls.read_text().splitlines()


def _summary(out):
    return dict(line.split(None, 1) for line in (out / "summary.txt").read_text().splitlines())



@pytest.mark.parametrize("n_gpus", [1, 2])
def test_runs_every_step_into_one_folder(tmp_path, n_gpus):
    finished, out, calls = _run_on_fake_gpus(tmp_path, n_gpus)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    # A relative OUT (and PYTHON) is taken from the caller's folder, not the repository's.
    assert f"{n_gpus} GPU(s)" in finished.stdout and f"results in {out}" in finished.stdout
    ddp = f"ddp-{n_gpus}gpu-12-train_tiny-large"
    expected = STEPS + [ddp, "backend-benchmark"] + (["ddp-throughput"] if n_gpus == 2 else [])
    summary = _summary(out)
    assert list(summary) == expected, summary
    assert all(status.startswith("passed") for status in summary.values()), summary
    assert {f"{name}.log" for name in expected} <= {p.name for p in out.iterdir()}
    assert (out / "environment.txt").is_file()
    run = [c for c in calls if not c.startswith("-c ")]
    assert run[0].startswith("-m pytest tests/pycore_torch -m cuda"), run[0]
    from bench.twins import TWINS  # every twin, not a list that could go stale in the script

    large = {c.split()[3] for c in run if c.startswith("-m demos run ") and c.endswith(
        f" --backend torch --device cuda --scale large --out {out}/twins")}
    assert large == set(TWINS), (large, sorted(TWINS))
    assert any(c.startswith(f"-m torch.distributed.run --nproc_per_node {n_gpus} --standalone "
                            "-m demos run 12/train_tiny --backend torch --device cuda --scale "
                            f"large --out {out}/twins --checkpoint {out}/") for c in run), run
    assert f"bench/bench_backends.py --out {out}/backends.json" in run, run
    assert any("bench/bench_ddp.py --device cuda --nproc 1 2" in c for c in run) == (n_gpus == 2)


def test_a_failing_step_is_recorded_and_the_others_still_run(tmp_path):
    finished, out, _ = _run_on_fake_gpus(tmp_path, 2, fail_step="bench_backends")
    assert finished.returncode == 1, finished.stdout + finished.stderr
    summary = _summary(out)
    assert summary["backend-benchmark"].startswith("FAILED (exit 1)"), summary
    assert summary["ddp-throughput"].startswith("passed"), "a step after the failure did not run"
    assert "failing on purpose" in (out / "backend-benchmark.log").read_text()


def test_the_twin_commands_parse_in_the_real_command_line(tmp_path):
    """Each twin command the script gives the GPU machine is accepted by ``python -m demos``:
    here, without CUDA, it stops only at the device check, after every argument parsed."""
    pytest.importorskip("torch")
    from demos.__main__ import main

    _, out, calls = _run_on_fake_gpus(tmp_path, 1)
    twins = [c.split(" ", 2)[2] for c in calls if c.startswith("-m demos run ")]
    assert len(twins) == 4, calls
    for command in twins:
        with pytest.raises(SystemExit, match="torch sees no CUDA device"):
            main(command.split())
