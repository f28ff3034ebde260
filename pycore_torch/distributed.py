"""Data-parallel training on ``torch.distributed``: one process per device, launched by torchrun.

    torchrun --nproc_per_node N  ->  N processes, each with RANK, LOCAL_RANK, WORLD_SIZE

Every rank holds a full copy of the model (DistributedDataParallel; Li et al. 2020, "PyTorch
Distributed", VLDB) or a 1/N shard of every parameter (fully sharded data parallelism, FSDP2
``fully_shard``; Zhao et al. 2023, "PyTorch FSDP"), draws the same global batch of B x N
windows and keeps its own B rows (the sharding ``DistributedSampler`` does for a dataset).
After ``loss.backward()`` the gradients are all-reduced to their mean over the ranks, so N
ranks on B rows each take the same step as one process on all B x N rows with the mean loss.
NCCL carries the collectives between GPUs, gloo between CPU processes; rank 0 alone logs,
evaluates and saves.

    with launched("cpu") as ranks:          # process group from torchrun's environment
        model = wrap(model, ranks)          # DDP (or FSDP with fsdp=True)
        ids = shard(global_ids, ranks)      # (B N, T) -> (B, T), this rank's rows
        ...
        state = full_state_dict(model)      # every rank calls it; rank 0 saves it

Without torchrun (no WORLD_SIZE in the environment, or WORLD_SIZE=1) nothing is initialised
and every function is the identity: the same code trains in one process.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

__all__ = ["Ranks", "SINGLE", "setup", "teardown", "launched", "shard", "wrap", "unwrap",
           "full_state_dict", "check_same", "mean_across_ranks"]

# How long a collective may wait for the other ranks before it raises instead of hanging
# (a rank that died, a peer that never arrived). torchrun also stops the survivors as soon as
# one rank exits with an error; this bounds the wait where nothing else does.
DEFAULT_TIMEOUT_S = 300


@dataclass(frozen=True)
class Ranks:
    """Where this process stands: ``rank`` of ``world_size``, on ``device``.

    ``backend`` is "nccl" or "gloo" when a process group is initialised, None for one process.
    """

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: str = "cpu"
    backend: str | None = None

    @property
    def is_main(self) -> bool:
        """Rank 0: the one process that logs, evaluates and saves."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.backend is not None


SINGLE = Ranks()


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"environment variable {name}={value!r} is not an integer (it is set "
                         "by torchrun)") from None


def setup(device: str = "cpu", timeout_s: float = DEFAULT_TIMEOUT_S) -> Ranks:
    """Join the process group that torchrun describes in the environment.

    Parameters
    ----------
    device : str
        "cpu" (gloo) or "cuda" (NCCL; rank r on local GPU LOCAL_RANK). Under one process any
        torch device string is returned unchanged.
    timeout_s : float
        Seconds a collective waits for the other ranks before raising.

    Returns
    -------
    Ranks
        ``SINGLE`` with ``device`` when WORLD_SIZE is absent or 1.
    """
    world_size = _env_int("WORLD_SIZE", 1)
    if world_size <= 1:
        return Ranks(device=device)
    rank, local_rank = _env_int("RANK", 0), _env_int("LOCAL_RANK", 0)
    if device.startswith("cuda"):
        if device != "cuda":
            raise ValueError(f"device={device!r}: under torchrun pass device='cuda'; each rank "
                             "takes the GPU of its LOCAL_RANK")
        count = torch.cuda.device_count()
        if local_rank >= count:
            raise ValueError(f"LOCAL_RANK={local_rank} but torch sees {count} GPU(s) on this "
                             "machine; lower --nproc_per_node")
        device, backend = f"cuda:{local_rank}", "nccl"
        torch.cuda.set_device(device)
    elif device == "cpu":
        backend = "gloo"
    else:
        raise ValueError(f"device={device!r}: data-parallel training runs on 'cpu' or 'cuda'")
    if not dist.is_initialized():
        dist.init_process_group(backend, rank=rank, world_size=world_size,
                                timeout=datetime.timedelta(seconds=timeout_s))
    return Ranks(rank, world_size, local_rank, device, backend)


def teardown(ranks: Ranks) -> None:
    """Leave the process group together: a barrier, then destroy it (no-op for one process).

    The barrier keeps a rank that finished early (rank 1, while rank 0 still saves) from
    closing its connections under a peer that is still using them.
    """
    if ranks.distributed and dist.is_initialized():
        dist.barrier(device_ids=[ranks.local_rank] if ranks.backend == "nccl" else None)
        dist.destroy_process_group()


@contextlib.contextmanager
def launched(device: str = "cpu", timeout_s: float = DEFAULT_TIMEOUT_S):
    """``setup`` on entry, ``teardown`` when the body finishes.

    When the body raises, the error propagates without teardown: the barrier and the
    collective shutdown would wait for peers that are blocked in a collective this rank will
    never join. The process exits non-zero with its traceback, and torchrun stops the others.
    """
    ranks = setup(device, timeout_s)
    yield ranks
    teardown(ranks)


def shard(rows, ranks: Ranks):
    """This rank's contiguous block of the global batch: rows[r B : (r + 1) B].

    Parameters
    ----------
    rows : array or tensor of shape (B N, ...)
        The global batch, identical on every rank (drawn from the same seed).
    ranks : Ranks

    Returns
    -------
    array or tensor of shape (B, ...)
        Concatenating the shards of ranks 0..N-1 gives ``rows`` back.
    """
    n, N = len(rows), ranks.world_size
    if n % N:
        raise ValueError(f"a global batch of {n} rows does not split over {N} ranks; make it a "
                         f"multiple of {N}")
    B = n // N
    return rows[ranks.rank * B:(ranks.rank + 1) * B]


def wrap(model: torch.nn.Module, ranks: Ranks, fsdp: bool = False) -> torch.nn.Module:
    """The model made data-parallel: DDP, or FSDP2 with each of ``model.layers`` its own unit.

    DDP keeps a full replica per rank and all-reduces gradients (their mean) during backward.
    FSDP keeps 1/N of every parameter per rank, all-gathers a layer's weights just before it
    runs and reduce-scatters its gradients: the same arithmetic, less memory per rank. Under
    one process the model is returned unchanged (``fsdp`` then needs torchrun).
    """
    if fsdp:
        if not ranks.distributed:
            raise ValueError("fsdp=True shards parameters over ranks: launch with torchrun "
                             "--nproc_per_node N (N >= 2)")
        from torch.distributed.fsdp import fully_shard

        for layer in getattr(model, "layers", ()):
            fully_shard(layer)
        return fully_shard(model)
    if not ranks.distributed:
        return model
    device_ids = [ranks.local_rank] if ranks.device.startswith("cuda") else None
    return DistributedDataParallel(model, device_ids=device_ids)


def unwrap(model: torch.nn.Module) -> torch.nn.Module:
    """The module inside DDP (FSDP2 shards in place: the model is its own module)."""
    return model.module if isinstance(model, DistributedDataParallel) else model


def full_state_dict(model: torch.nn.Module) -> dict:
    """Every parameter whole, on the CPU: {name: tensor} without DDP's "module." prefix.

    Under FSDP each parameter is gathered from its shards, a collective: call it on every
    rank, then let rank 0 save the result.
    """
    state = {}
    for name, t in unwrap(model).state_dict().items():
        if hasattr(t, "full_tensor"):  # a DTensor shard (FSDP2)
            t = t.full_tensor()
        state[name] = t.detach().cpu()
    return state


def check_same(name: str, value, ranks: Ranks) -> None:
    """Raise on every rank unless ``value`` (any picklable) is equal on all ranks.

    For what each rank must have read alike (the training data of a checkout on each
    machine): a mismatch would train without an error on batches that are not one batch.
    """
    if not ranks.distributed:
        return
    values = [None] * ranks.world_size
    dist.all_gather_object(values, value)
    differ = [r for r, v in enumerate(values) if v != values[0]]
    if differ:
        raise ValueError(f"{name} differs between ranks: rank 0 has {values[0]!r}, "
                         + ", ".join(f"rank {r} has {values[r]!r}" for r in differ))


def mean_across_ranks(value: torch.Tensor, ranks: Ranks) -> float:
    """The mean of a scalar tensor over the ranks (a collective: every rank must call it)."""
    value = value.detach().float().reshape(1).clone()
    if ranks.distributed:
        dist.all_reduce(value, op=dist.ReduceOp.SUM)
        value /= ranks.world_size
    return float(value.item())
