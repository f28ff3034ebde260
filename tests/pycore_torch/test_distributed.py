"""Data-parallel training on torch.distributed, two gloo processes on the CPU under torchrun:
N ranks on B rows each take the same steps as one process on the B x N concatenated rows
(DDP and FSDP), every rank ends with the same weights, a failing rank makes torchrun exit
non-zero with that rank's error instead of hanging, and the README's command trains the
chapter-12 twin with rank 0 alone printing and saving."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import ddp_worker  # noqa: E402

import pycore as pc  # noqa: E402
import pycore_torch as pt  # noqa: E402
from pycore_torch import distributed  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("ddp_worker.py")
# Seconds before a launch counts as hung; a good one takes ~5-10 s on 2 shared cores.
LAUNCH_TIMEOUT_S = 180
# Softmax is unchanged by adding the same number to every score, and q.(k + b_k) adds q.b_k to
# every score of a query, so d loss / d b_k is exactly 0 and what autograd returns is rounding
# noise (~1e-9) that differs between one mean over 2B rows and two means over B. AdamW divides
# by its own running RMS, so noise still moves b_k by up to lr per step: compare it only
# across ranks (where it is identical), not with the one-process run.
NOISE_ONLY = ("attn.b_k",)


# A failed launch must end because torchrun stops the survivors, not because their collective
# timed out: the survivors wait up to FAILURE_COLLECTIVE_S, the test only FAILURE_LAUNCH_S.
FAILURE_COLLECTIVE_S, FAILURE_LAUNCH_S = 600, 120


def _torchrun(*args, cwd=REPO, timeout_s=LAUNCH_TIMEOUT_S):
    """Run ``torchrun --nproc_per_node 2 --standalone ARGS``; the finished process."""
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
               "--standalone", "--monitor-interval", "0.2", *args]
    try:
        return subprocess.run(command, cwd=str(cwd), env=env, capture_output=True, text=True,
                              timeout=timeout_s)
    except subprocess.TimeoutExpired as hung:
        output = (hung.stdout or b"")[-3000:], (hung.stderr or b"")[-3000:]
        pytest.fail(f"torchrun did not finish in {timeout_s} s: {output}")


def _root_cause(output):
    """torchrun's "Root Cause (first observed failure)" block of its error summary."""
    assert "Root Cause (first observed failure)" in output, output[-4000:]
    return output.split("Root Cause (first observed failure)", 1)[1].split("=" * 20, 1)[0]


def test_shards_concatenate_to_the_global_batch():
    rows = np.arange(12).reshape(6, 2)  # (B N, 2) with N = 3
    shards = [distributed.shard(rows, distributed.Ranks(rank=r, world_size=3, backend="gloo"))
              for r in range(3)]
    assert [s.shape for s in shards] == [(2, 2)] * 3
    np.testing.assert_array_equal(np.concatenate(shards), rows, err_msg="shards of the batch")
    with pytest.raises(ValueError, match="7 rows does not split over 3 ranks"):
        distributed.shard(np.zeros(7), distributed.Ranks(rank=0, world_size=3, backend="gloo"))


def test_one_process_needs_no_process_group(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    with distributed.launched("cpu") as ranks:
        assert ranks == distributed.SINGLE and ranks.is_main and not ranks.distributed
        model = torch.nn.Linear(2, 2)
        assert distributed.wrap(model, ranks) is model
        assert distributed.mean_across_ranks(torch.tensor(2.5), ranks) == 2.5
        with pytest.raises(ValueError, match="launch with torchrun"):
            distributed.wrap(model, ranks, fsdp=True)


def test_the_backend_follows_the_device(monkeypatch):
    """gloo for CPU processes (tested below under torchrun), NCCL for GPUs: a rank takes the
    GPU of its LOCAL_RANK, and one that has none, or any other device, is refused by name
    before a process group is joined."""
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(ValueError, match="LOCAL_RANK=1 but torch sees 1 GPU"):
        distributed.setup("cuda")
    with pytest.raises(ValueError, match="pass device='cuda'"):
        distributed.setup("cuda:0")
    with pytest.raises(ValueError, match="runs on 'cpu' or 'cuda'"):
        distributed.setup("mps")
    monkeypatch.setenv("LOCAL_RANK", "one")
    with pytest.raises(ValueError, match="LOCAL_RANK='one' is not an integer"):
        distributed.setup("cpu")
    assert not torch.distributed.is_initialized()


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory):
    """Both ranks' final weights and logged losses, DDP and FSDP: {(mode, rank): npz}."""
    out = tmp_path_factory.mktemp("ddp")
    finished = _torchrun(str(WORKER), "--out", str(out))
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-6000:]
    ranks = {(mode, r): dict(np.load(out / f"rank{r}_{mode}.npz"))
             for mode in ("ddp", "fsdp") for r in (0, 1)}
    ranks.update({("check_same", r): (out / f"rank{r}_check_same.txt").read_text()
                  for r in (0, 1)})
    return ranks


@pytest.fixture(scope="module")
def one_process():
    """The same loop in one process on the concatenated rows: 2B per step."""
    torch.set_num_threads(1)
    return ddp_worker.train(2 * ddp_worker.B, distributed.SINGLE)


@pytest.mark.parametrize("mode", ["ddp", "fsdp"])
def test_two_ranks_equal_one_process_on_the_concatenated_batches(two_ranks, one_process, mode):
    state, losses = one_process
    rank0 = two_ranks[mode, 0]
    initial = pc.flatten_params(pc.init_params(ddp_worker.CONFIG, ddp_worker.SEED,
                                               dtype=np.float32))
    moved = max(float(np.abs(state[n] - initial[n]).max()) for n in state)
    assert moved > 100 * 1e-5, f"training moved the weights by only {moved}: nothing to compare"
    for name, expected in state.items():
        if name.endswith(NOISE_ONLY):
            # Not free either: noise moves each run by at most ~lr per AdamW step (bounded
            # by 1.3 lr for betas (0.9, 0.95)), so the runs differ by under 2 x 1.3 lr steps.
            bound = 2 * 1.3 * ddp_worker.MAX_LR * ddp_worker.STEPS
            assert float(np.abs(rank0[name] - expected).max()) < bound, (name, mode)
            continue
        np.testing.assert_allclose(rank0[name], expected, rtol=1e-5, atol=1e-5,
                                   err_msg=f"{name} after {ddp_worker.STEPS} {mode} steps on 2 "
                                           "ranks vs 1 process on the concatenated batches")
    # Rank 0 logs the mean over the ranks of their losses: the loss of the whole batch.
    np.testing.assert_allclose(rank0["losses"], losses, rtol=1e-5,
                               err_msg=f"{mode} logged training loss")


def test_the_key_bias_gradient_is_only_rounding_noise():
    """Why NOISE_ONLY is compared between ranks only: its exact gradient is zero."""
    config = ddp_worker.CONFIG
    model = pt.DecoderLM(config, pc.init_params(config, ddp_worker.SEED, dtype=np.float32))
    data, _ = ddp_worker.corpus()
    B, T = 2 * ddp_worker.B, ddp_worker.T
    ids, targets = data[:B * T].reshape(B, T), data[1:B * T + 1].reshape(B, T)  # (B, T) each
    logits = model(ids)  # (B, T, V)
    torch.nn.functional.cross_entropy(logits.reshape(-1, config.vocab_size),
                                      torch.from_numpy(targets).reshape(-1)).backward()
    grads = {name: float(p.grad.abs().max()) for name, p in model.named_parameters()}
    largest = max(grads.values())
    noise = {name: g for name, g in grads.items() if name.endswith(NOISE_ONLY)}
    assert noise and largest > 1e-3, grads
    assert all(g < 1e-6 * largest for g in noise.values()), (noise, largest)


@pytest.mark.parametrize("mode", ["ddp", "fsdp"])
def test_both_ranks_hold_identical_weights(two_ranks, mode):
    rank0, rank1 = two_ranks[mode, 0], two_ranks[mode, 1]
    names = [n for n in rank0 if n != "losses"]
    assert names and sorted(names) == sorted(n for n in rank1 if n != "losses")
    for name in names:
        np.testing.assert_array_equal(rank1[name], rank0[name],
                                      err_msg=f"{name}: rank 1 differs from rank 0 ({mode})")
    assert len(rank1["losses"]) == 0, "rank 1 logged: only rank 0 should"


def test_a_value_that_differs_between_ranks_raises_on_every_rank(two_ranks):
    for r in (0, 1):
        assert two_ranks["check_same", r] == ("the rank differs between ranks: rank 0 has 0, "
                                              "rank 1 has 1"), f"rank {r}"


@pytest.mark.parametrize("rank, at", [(1, "start"), (0, "fsdp")])
def test_a_failing_rank_stops_the_launch_with_its_error(tmp_path, rank, at):
    """Rank 1 before the first step, or rank 0 mid-run (after DDP, while rank 1 already waits
    for it in FSDP's first collective): torchrun exits non-zero, its summary names the rank
    and its error, and the survivor is stopped long before its collective would time out."""
    started = time.perf_counter()
    finished = _torchrun(str(WORKER), "--out", str(tmp_path), "--fail-rank", str(rank),
                         "--fail-at", at, "--timeout", str(FAILURE_COLLECTIVE_S),
                         timeout_s=FAILURE_LAUNCH_S)
    seconds = time.perf_counter() - started
    output = finished.stdout + finished.stderr
    assert finished.returncode != 0, f"torchrun exited 0 although rank {rank} failed"
    cause = _root_cause(output)
    assert f"rank      : {rank} " in cause, cause
    when = "before its first step" if at == "start" else "before FSDP"
    assert f"rank {rank} fails on purpose {when}" in cause, cause
    other = 1 - rank
    assert not (tmp_path / f"rank{other}_fsdp.npz").exists(), f"rank {other} trained on alone"
    assert seconds < FAILURE_LAUNCH_S < FAILURE_COLLECTIVE_S
    print(f"failing rank {rank} ({at}): torchrun exited {finished.returncode} in {seconds:.1f} s")


def test_a_rank_failing_in_the_readme_command_stops_it(tmp_path):
    """The twin itself: rank 0 cannot save the checkpoint (its folder is a file) while rank 1
    has finished and waits for it at the closing barrier."""
    (tmp_path / "taken").write_text("a file where the checkpoint's folder should be")
    checkpoint = tmp_path / "taken" / "model.npz"
    started = time.perf_counter()
    finished = _torchrun("-m", "demos", "run", "12/train_tiny", "--backend", "torch",
                         "--device", "cpu", "--scale", "test", "--out", str(tmp_path),
                         "--checkpoint", str(checkpoint), timeout_s=FAILURE_LAUNCH_S)
    seconds = time.perf_counter() - started
    output = finished.stdout + finished.stderr
    assert finished.returncode != 0, "torchrun exited 0 although rank 0 could not save"
    cause = _root_cause(output)
    assert "rank      : 0 " in cause and "FileExistsError" in cause, cause
    assert str(tmp_path / "taken") in cause, cause
    assert seconds < FAILURE_LAUNCH_S, seconds
    print(f"rank 0 failing at save: torchrun exited {finished.returncode} in {seconds:.1f} s")


def test_the_readme_command_trains_the_twin_on_two_ranks(tmp_path):
    checkpoint = tmp_path / "model.npz"
    finished = _torchrun("-m", "demos", "run", "12/train_tiny", "--backend", "torch",
                         "--device", "cpu", "--scale", "test", "--out", str(tmp_path),
                         "--checkpoint", str(checkpoint))
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-6000:]
    out = finished.stdout
    assert out.count("12/train_tiny at scale") == 1, "the header must be printed by rank 0 only"
    assert "2 ranks, DDP over gloo" in out and out.count("json:") == 1, out[-2000:]
    saved = json.loads((tmp_path / "12_train_tiny_ddp2_torch_cpu_test.json").read_text())
    assert saved["world_size"] == 2 and saved["parallel"] == "ddp"
    assert saved["global_batch"] == 2 * saved["batch"]
    assert saved["log"][-1]["train_loss"] < saved["log"][0]["train_loss"], "loss did not fall"
    model = pt.DecoderLM.from_npz(checkpoint)  # rank 0 saved the trained weights
    assert model.config.to_dict() == saved["config"]


def test_the_command_line_refuses_what_cannot_run_data_parallel(monkeypatch, tmp_path):
    from demos.__main__ import main

    with pytest.raises(SystemExit, match="apply to a twin that trains"):
        main(["run", "13/kv_cache", "--scale", "test", "--fsdp", "--out", str(tmp_path)])
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    with pytest.raises(ValueError, match="launch with torchrun"):
        main(["run", "12/train_tiny", "--scale", "test", "--fsdp", "--out", str(tmp_path)])
    monkeypatch.setenv("WORLD_SIZE", "2")  # as torchrun sets it, checked before any setup
    with pytest.raises(SystemExit, match="only a training twin with --backend torch"):
        main(["run", "13/kv_cache", "--scale", "test", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="only a training twin with --backend torch"):
        main(["run", "12/train_tiny", "--backend", "numpy", "--scale", "test"])
    with pytest.raises(SystemExit, match="is a page demo"):
        main(["run", "04/worked_example", "--backend", "numpy", "--out", str(tmp_path)])
