"""At-scale twin of demo 12/train_tiny: the chapter-12 model, trained 100x larger.

Chapter 12 trains pycore's "tiny" DecoderLM (124,672 parameters) in the page on pycore's
hand-written backward passes. This twin trains the same architecture (learned positions,
pre-LayerNorm, GELU, tied embeddings, byte-level vocabulary of 256) with about 100x the
parameters (d_model 384, 7 layers, 6 heads: 12.6 M) for a few hundred AdamW steps
(Loshchilov and Hutter 2019) with linear warm-up and cosine decay (``pycore.cosine_schedule``)
on a corpus that ships with the repository: the site's Markdown and pycore's source. It
prints the training and held-out loss (nats per byte), throughput, and a greedy sample.

``--scale small`` (the CPU default) trains a 10x model for a few dozen steps; ``--backend
numpy`` trains with ``pycore.loss_and_grads`` and ``pycore.AdamW`` (test and small only: at
100x NumPy would take hours).

Under ``torchrun --nproc_per_node N`` the torch backend trains data-parallel on N processes
(``pycore_torch.distributed``: DDP, or FSDP with ``--fsdp``): the batch size below is per
rank, gradients are averaged over the ranks, and rank 0 alone prints, evaluates and saves.
"""

from __future__ import annotations

import math
import time
import zlib
from pathlib import Path

import numpy as np

from ._common import REPO, pick, print_table, save_outputs, synchronize

DEMO_ID = "12/train_tiny"
SUMMARY = "train the chapter-12 tiny model 100x larger on the repo's own text"
# Trains: runs data-parallel under torchrun, takes run(..., fsdp=, checkpoint=).
TRAINS = True

# (overrides of the "tiny" preset, batch size per rank, sequence length, steps, max learning
# rate)
SIZES = {
    "test": (dict(), 4, 32, 3, 1e-3),
    "small": (dict(d_model=128, n_heads=4, n_layers=6, d_ff=512, max_len=256), 8, 128, 60, 2e-3),
    ("large", "cuda"): (dict(d_model=384, n_heads=6, n_layers=7, d_ff=1536, max_len=256), 64,
                        256, 400, 1e-3),
    ("large", "cpu"): (dict(d_model=384, n_heads=6, n_layers=7, d_ff=1536, max_len=256), 8, 128,
                       40, 1e-3),
}
NUMPY_STEPS = {"test": 3, "small": 8}
EVAL_BATCHES = 4


def load_corpus():
    """The repo's own text as bytes (ids 0..255): docs/**/*.md, then pycore/*.py."""
    paths = sorted((REPO / "docs").rglob("*.md")) + sorted((REPO / "pycore").glob("*.py"))
    data = b"\n\n".join(p.read_bytes() for p in paths)
    return np.frombuffer(data, dtype=np.uint8).astype(np.int64), len(paths)


def windows(data, starts, T):
    """The windows of ``data`` at ``starts`` (B,): ids (B, T) and targets, shifted by one."""
    ids = np.stack([data[s:s + T] for s in starts])  # (B, T)
    targets = np.stack([data[s + 1:s + T + 1] for s in starts])  # (B, T)
    return ids, targets


def batches(data, B, T, rng):
    """B random windows: ids (B, T) and targets (B, T)."""
    return windows(data, rng.integers(0, len(data) - T - 1, size=B), T)


def train_torch(config, params, train, held_out, B, T, steps, max_lr, seed, ranks=None,
                fsdp=False):
    """Train a ``pycore_torch.DecoderLM`` with AdamW, data-parallel over ``ranks``.

    Parameters
    ----------
    config : pycore.TransformerConfig
    params : pycore params dict (the initial weights, the same on every rank)
    train, held_out : int64 arrays of shape (n,), byte ids
    B : int
        Sequences per rank and step: the global batch is B x N rows, drawn from ``seed``
        identically on every rank, of which rank r keeps rows r B .. (r + 1) B - 1.
    T, steps, max_lr, seed : int, int, float, int
    ranks : pycore_torch.distributed.Ranks, optional
        From ``distributed.setup``; default one process on the CPU.
    fsdp : bool
        Shard parameters (FSDP2) instead of replicating them (DDP); needs N >= 2.

    Returns
    -------
    model : torch.nn.Module
        The trained model, wrapped as for training (``distributed.full_state_dict`` reads it).
    log : list of dict
        step, lr, train loss (mean over ranks), held-out loss; filled on rank 0 only.
    seconds : float
        Wall-clock time of the training loop.
    """
    import torch
    import torch.nn.functional as F

    import pycore as pc
    import pycore_torch as pt
    from pycore_torch import distributed

    ranks = ranks or distributed.SINGLE
    device = ranks.device
    model = pt.DecoderLM(config, params, dtype=torch.float32, device=device)
    model = distributed.wrap(model, ranks, fsdp=fsdp)
    # nanoGPT's split: decay matrices, not biases, norm gains or position/shift vectors.
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": no_decay, "weight_decay": 0.0}], lr=max_lr,
                            betas=(0.9, 0.95))
    cuda = device.startswith("cuda")
    # bf16 autocast on the GPU (the weights and optimiser state stay float32).
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if cuda else torch.autocast(
        "cpu", enabled=False)
    rng = np.random.default_rng(seed)
    # Rank 0 evaluates on its plain replica; FSDP's shards must all take part in a forward.
    eval_model = model if fsdp else distributed.unwrap(model)

    def loss_of(net, ids, targets):
        with autocast:
            logits = net(torch.from_numpy(ids).to(device), fused=True)  # (B, T, V)
        return F.cross_entropy(logits.float().reshape(-1, config.vocab_size),
                               torch.from_numpy(targets).to(device).reshape(-1))

    def evaluate():
        eval_rng = np.random.default_rng(seed + 1)  # the same held-out windows every time
        with torch.no_grad():
            return float(np.mean([loss_of(eval_model, *batches(held_out, B, T, eval_rng)).item()
                                  for _ in range(EVAL_BATCHES)]))

    log = []
    warmup = max(1, steps // 10)
    synchronize(device)
    start = time.perf_counter()
    for step in range(steps):
        lr = pc.cosine_schedule(step, max_lr=max_lr, total_steps=steps, warmup_steps=warmup,
                                min_lr=max_lr / 10)
        for group in opt.param_groups:
            group["lr"] = lr
        starts = rng.integers(0, len(train) - T - 1, size=B * ranks.world_size)  # (B N,)
        loss = loss_of(model, *windows(train, distributed.shard(starts, ranks), T))
        opt.zero_grad(set_to_none=True)
        loss.backward()  # DDP/FSDP: gradients all-reduced to their mean over the ranks here
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % max(1, steps // 8) == 0 or step == steps - 1:
            train_loss = distributed.mean_across_ranks(loss, ranks)
            held = evaluate() if ranks.is_main or fsdp else None
            if ranks.is_main:
                log.append({"step": step, "lr": lr, "train_loss": train_loss,
                            "held_out_loss": held})
    synchronize(device)
    return model, log, time.perf_counter() - start


def _train_numpy(config, params, train, held_out, B, T, steps, max_lr, seed):
    import pycore as pc

    opt = pc.AdamW(params, lr=max_lr, betas=(0.9, 0.95), weight_decay=0.1,
                   no_decay=lambda name: name.endswith(("b_q", "b_k", "b_v", "b_o", "b1", "b2",
                                                        "gamma", "beta", "weight")))
    model = pc.DecoderLM(config, params)
    rng = np.random.default_rng(seed)

    def evaluate():
        eval_rng = np.random.default_rng(seed + 1)
        return float(np.mean([pc.cross_entropy(model.forward(ids), targets) for ids, targets in
                              (batches(held_out, B, T, eval_rng) for _ in range(EVAL_BATCHES))]))

    log = []
    warmup = max(1, steps // 10)
    start = time.perf_counter()
    for step in range(steps):
        lr = pc.cosine_schedule(step, max_lr=max_lr, total_steps=steps, warmup_steps=warmup,
                                min_lr=max_lr / 10)
        loss, grads = pc.loss_and_grads(model, *batches(train, B, T, rng))
        pc.clip_grad_norm(grads, 1.0)
        opt.step(grads, lr=lr)
        if step % max(1, steps // 4) == 0 or step == steps - 1:
            log.append({"step": step, "lr": lr, "train_loss": float(loss),
                        "held_out_loss": evaluate()})
    seconds = time.perf_counter() - start
    return model.params, log, seconds


def run(backend: str, device: str, scale: str, out_dir, seed: int = 0, *, fsdp: bool = False,
        checkpoint=None) -> dict:
    """Train, print the log and a greedy sample, save figure and JSON (and ``checkpoint``).

    Under torchrun (WORLD_SIZE > 1, ``backend="torch"``) every rank runs this function: the
    model trains data-parallel (DDP, or FSDP with ``fsdp=True``) on B sequences per rank, and
    rank 0 alone prints, evaluates, saves and returns the full result; the other ranks return
    ``{"demo": ..., "rank": r}``. ``checkpoint`` (a path) receives the trained weights as a
    ``pycore.save`` file, loadable by ``pycore.load`` and ``pycore_torch.DecoderLM.from_npz``.
    """
    import pycore as pc

    shape, B, T, steps, max_lr = pick(SIZES, scale, device)
    if backend == "numpy":
        if scale not in NUMPY_STEPS:
            raise ValueError("--backend numpy trains only at --scale test or small (the 100x "
                             "model would take hours in NumPy); use --backend torch")
        if fsdp:
            raise ValueError("fsdp=True shards a torch model; use --backend torch")
        steps = NUMPY_STEPS[scale]
    config = pc.TransformerConfig.preset("tiny", **shape)
    data, n_files = load_corpus()
    split = int(0.9 * len(data))
    train, held_out = data[:split], data[split:]
    params = pc.init_params(config, seed, dtype=np.float64 if backend == "numpy" else np.float32)
    corpus = (int(len(data)), n_files)  # bytes, files
    if backend == "numpy":
        _print_header(config, corpus, steps, B, T, f"numpy, {device}")
        trained, log, seconds = _train_numpy(config, params, train, held_out, B, T, steps, max_lr,
                                             seed)
        sample = pc.generate(pc.DecoderLM(config, trained), held_out[:48], config.max_len - 48,
                             greedy=True)
        return _report(config, corpus, log, seconds, sample, trained, (steps, 1, B, T), "none",
                       (backend, device, scale), out_dir, checkpoint)

    import torch

    import pycore_torch as pt
    from pycore_torch import distributed

    with distributed.launched(device) as ranks:
        # Every rank reads the corpus from its own checkout: one edited file would split it.
        distributed.check_same("the corpus (bytes, files, CRC-32)",
                               corpus + (zlib.crc32(data.astype(np.uint8).tobytes()),), ranks)
        N = ranks.world_size
        parallel = ("fsdp" if fsdp else "ddp") if ranks.distributed else "none"
        if ranks.is_main:
            where = f"torch, {device}"
            if ranks.distributed:
                where += (f"; {N} ranks, {parallel.upper()} over {ranks.backend}, global batch "
                          f"{N} x {B}")
            _print_header(config, corpus, steps, B, T, where)
        model, log, seconds = train_torch(config, params, train, held_out, B, T, steps, max_lr,
                                          seed, ranks, fsdp=fsdp)
        state = distributed.full_state_dict(model)  # a collective under FSDP: every rank calls
        if not ranks.is_main:
            return {"demo": DEMO_ID, "rank": ranks.rank}
        trained = pc.unflatten_params({name: t.float().numpy() for name, t in state.items()},
                                      pc.parameter_shapes(config, "decoder"))
        final = pt.DecoderLM(config, trained, device=ranks.device)
        with torch.no_grad():
            sample = pt.generate(final, torch.from_numpy(held_out[:48]).to(ranks.device),
                                 config.max_len - 48, greedy=True, fused=True).cpu().numpy()
        return _report(config, corpus, log, seconds, sample, trained, (steps, N, B, T), parallel,
                       (backend, device, scale), out_dir, checkpoint)


def _print_header(config, corpus, steps, B, T, where):
    import pycore as pc

    n_params = pc.count_parameters(config)
    tiny = pc.count_parameters(pc.TransformerConfig.preset("tiny"))
    print(f"{DEMO_ID} at scale: DecoderLM d_model={config.d_model}, {config.n_layers} layers, "
          f"{config.n_heads} heads: {n_params:,} parameters = {n_params / tiny:.1f}x the tiny "
          f"model; corpus {corpus[0]:,} bytes from {corpus[1]} files (90/10 split); {steps} "
          f"steps of {B} x {T} tokens ({where})")


def _report(config, corpus, log, seconds, sample, trained, sizes, parallel, run_as, out_dir,
            checkpoint):
    """Print the log, throughput and sample; save figure, JSON and the checkpoint (rank 0).

    ``sizes`` is (steps, ranks N, B per rank, T); ``run_as`` is (backend, device, scale).
    """
    import pycore as pc

    steps, N, B, T = sizes
    n_params = pc.count_parameters(config)
    tiny = pc.count_parameters(pc.TransformerConfig.preset("tiny"))
    tokens = steps * N * B * T
    print_table(log, [("step", "step", "d"), ("lr", "lr", ".2e"),
                      ("train_loss", "train loss", ".3f"),
                      ("held_out_loss", "held-out loss", ".3f")])
    print(f"uniform guess: ln 256 = {math.log(256):.3f} nats/byte; final held-out "
          f"{log[-1]['held_out_loss']:.3f} nats/byte = {log[-1]['held_out_loss'] / math.log(2):.2f}"
          f" bits/byte")
    over = f" over {N} processes" if N > 1 else ""
    print(f"{tokens:,} tokens in {seconds:.1f} s: {tokens / seconds:,.0f} tokens/s{over}, "
          f"~{6 * n_params * tokens / seconds / 1e12:.3g} TFLOP/s by 6 N D")
    text = bytes(int(i) for i in sample[48:]).decode("utf-8", errors="replace")
    print("greedy continuation of a held-out prompt:\n" + text)
    if checkpoint is not None:
        Path(checkpoint).parent.mkdir(parents=True, exist_ok=True)
        pc.save(checkpoint, trained, config)
        print(f"checkpoint: {checkpoint}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot([r["step"] for r in log], [r["train_loss"] for r in log], "o-", ms=3, label="train")
    ax.plot([r["step"] for r in log], [r["held_out_loss"] for r in log], "s-", ms=3,
            label="held-out")
    ax.axhline(math.log(256), color="grey", lw=0.8, ls="--", label="uniform (ln 256)")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (nats/byte)")
    title = f"{n_params / 1e6:.2f} M parameters ({n_params / tiny:.0f}x tiny)"
    ax.set_title(title + (f", {N} ranks ({parallel.upper()})" if N > 1 else ""), fontsize=9)
    ax.legend(fontsize=8)
    result = {"demo": DEMO_ID, "config": config.to_dict(), "parameters": n_params,
              "times_tiny": n_params / tiny, "corpus_bytes": corpus[0], "steps": steps, "batch": B,
              "T": T, "world_size": N, "parallel": parallel, "global_batch": N * B,
              "seconds": seconds, "tokens_per_second": tokens / seconds, "log": log,
              "sample": text, "checkpoint": None if checkpoint is None else str(checkpoint)}
    backend, device, scale = run_as
    name = "12_train_tiny" + (f"_{parallel}{N}" if N > 1 else "")
    return save_outputs(name, fig, result, out_dir, backend, device, scale)
