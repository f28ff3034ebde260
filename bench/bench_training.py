"""Training benchmark: pycore's hand-written forward + backward against the same model in PyTorch.

The model is a GPT-style DecoderLM (d_model 128, 4 heads, 2 layers, d_ff 512, vocab 256,
learned positions, pre-LayerNorm, GELU, tied embeddings) on a batch of 8 x 128 tokens, in
float32 on the CPU. PyTorch runs the same weights (copied from pycore), written as a PyTorch
user would: ``F.linear``-free matmuls in the same row-vector layout, ``F.layer_norm``,
``F.gelu``, ``F.scaled_dot_product_attention(is_causal=True)`` and autograd.

Both libraries get the same thread count (``--threads``, default 1, set before NumPy is
imported: the browser's NumPy has one thread, and the test machine is shared). Repeats are
interleaved (pycore, torch, pycore, torch, ...) so load changes hit both alike, and the
medians are compared. It also reports where pycore spends its time (cProfile, grouped by
function) and the training throughput of the "tiny" preset through ``pycore.train``.

Writes ``bench/results/training.json`` and prints a summary against the target
(pycore / torch <= 2.0).

    .venv/bin/python bench/bench_training.py               # default: 15 repeats, 1 thread
    .venv/bin/python bench/bench_training.py --repeats 30 --threads 2
"""

from __future__ import annotations

import argparse
import os
import sys

if __name__ == "__main__":  # thread counts must be fixed before NumPy loads its BLAS
    _threads = "1"
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            _threads = sys.argv[i + 1]
        elif arg.startswith("--threads="):
            _threads = arg.split("=", 1)[1]
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = _threads

import cProfile  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

# What the results JSON records as its maker (committed results name their script).
GENERATED_BY = "bench/bench_training.py"
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pycore as pc  # noqa: E402

TARGET_RATIO = 2.0
SHAPE = dict(vocab_size=256, d_model=128, n_heads=4, n_layers=2, d_ff=512, max_len=128)
B, T = 8, 128


def make_batch(seed=0):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, SHAPE["vocab_size"], size=(B, T))  # (B, T)
    targets = rng.integers(0, SHAPE["vocab_size"], size=(B, T))  # (B, T)
    return ids, targets


def pycore_step(params, config, ids, targets):
    """One forward + backward: loss and every gradient."""
    return pc.loss_and_grads(params, ids, targets, config=config)


def torch_model(torch, params, config):
    """The same DecoderLM in PyTorch, returning ``step(ids, targets) -> (loss, grads)``."""
    F = torch.nn.functional
    flat = {k: torch.tensor(v, requires_grad=True) for k, v in pc.flatten_params(params).items()}
    d, h = config.d_model, config.n_heads

    def forward(ids, targets):
        x = flat["tokens"][ids] + flat["positions"][:ids.shape[1]]  # (B, T, d_model)
        for i in range(config.n_layers):
            p = {k.split(".", 2)[2]: v for k, v in flat.items() if k.startswith(f"layers.{i}.")}
            a = F.layer_norm(x, (d,), p["attn_norm.gamma"], p["attn_norm.beta"])
            q = (a @ p["attn.W_q"] + p["attn.b_q"]).view(B, T, h, -1).transpose(1, 2)
            k = (a @ p["attn.W_k"] + p["attn.b_k"]).view(B, T, h, -1).transpose(1, 2)
            v = (a @ p["attn.W_v"] + p["attn.b_v"]).view(B, T, h, -1).transpose(1, 2)
            o = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, h, T, d_head)
            x = x + o.transpose(1, 2).reshape(B, T, d) @ p["attn.W_o"] + p["attn.b_o"]
            f = F.layer_norm(x, (d,), p["ffn_norm.gamma"], p["ffn_norm.beta"])
            f = F.gelu(f @ p["ffn.W1"] + p["ffn.b1"], approximate="tanh")
            x = x + f @ p["ffn.W2"] + p["ffn.b2"]
        x = F.layer_norm(x, (d,), flat["final_norm.gamma"], flat["final_norm.beta"])
        logits = x @ flat["tokens"].T  # (B, T, V), tied embeddings
        return F.cross_entropy(logits.reshape(-1, config.vocab_size), targets.reshape(-1))

    def step(ids, targets):
        for t in flat.values():
            t.grad = None
        loss = forward(ids, targets)
        loss.backward()
        return loss.item(), {k: t.grad for k, t in flat.items()}

    return step


def median_ms(samples):
    return 1000.0 * statistics.median(samples)


KEY_OPS = ("decoder_forward", "decoder_backward", "block_forward", "block_backward",
           "multi_head_attention_forward", "multi_head_attention_backward",
           "attention_forward", "attention_backward", "feed_forward_forward",
           "feed_forward_backward", "gelu", "gelu_backward", "layer_norm_forward",
           "layer_norm_backward", "embedding_forward", "embedding_backward",
           "cross_entropy_forward", "cross_entropy_backward", "check_finite")


def profile_pycore(params, config, ids, targets, iterations=3, top=14):
    """cProfile pycore's step: the functions with the most own time (tottime, which includes
    the NumPy calls they make) and the cumulative time of the main operations."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(iterations):
        pycore_step(params, config, ids, targets)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # tottime summed = profiled time
    rows = []
    for (filename, line, func), (_, ncalls, tottime, _, _) in stats.stats.items():
        where = f"{Path(filename).parent.name}/{Path(filename).name}:{func}" if line else func
        rows.append({"function": where, "calls_per_step": ncalls / iterations,
                     "ms_per_step": 1000 * tottime / iterations,
                     "share": tottime / total})
    rows.sort(key=lambda r: -r["ms_per_step"])
    # Cumulative time of the main operations (forward and backward), nested calls included.
    ops = {}
    for (filename, _, func), (_, _, _, cumtime, _) in stats.stats.items():
        if "pycore" in filename and func in KEY_OPS:
            ops[func] = ops.get(func, 0.0) + 1000 * cumtime / iterations
    return rows[:top], {f: round(ops[f], 2) for f in KEY_OPS if f in ops}


def training_throughput(steps=20):
    """Tokens per second of ``pycore.train`` on the "tiny" preset (batch 8, 64 tokens)."""
    config = pc.TransformerConfig.preset("tiny")
    model = pc.DecoderLM(config, seed=0, dtype=np.float32)
    data = np.random.default_rng(0).integers(0, config.vocab_size, size=20_000)
    history = list(pc.train(model, data, steps=steps, batch_size=8, seq_len=64, lr=3e-3))
    # The first step includes one-off costs; measure the rest.
    tokens = history[-1]["tokens"] - history[0]["tokens"]
    seconds = history[-1]["seconds"] - history[0]["seconds"]
    return {"preset": "tiny", "batch_size": 8, "seq_len": 64, "steps": steps,
            "tokens_per_s": tokens / seconds, "loss_first": history[0]["loss"],
            "loss_last": history[-1]["loss"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "training.json"))
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    config = pc.TransformerConfig(**SHAPE)
    params = pc.init_params(config, seed=0, dtype=np.float32)
    ids, targets = make_batch()
    torch_step = torch_model(torch, params, config)
    ids_t, targets_t = torch.tensor(ids), torch.tensor(targets)

    # Same model, same numbers: check before timing anything.
    loss_np, grads_np = pycore_step(params, config, ids, targets)
    loss_t, grads_t = torch_step(ids_t, targets_t)
    flat_np = pc.flatten_params(grads_np)
    max_grad_diff = max(float(np.max(np.abs(flat_np[k] - g.numpy()))) for k, g in grads_t.items())
    if abs(loss_np - loss_t) > 1e-4 or max_grad_diff > 1e-4:
        raise SystemExit(f"pycore and torch disagree: loss {loss_np} vs {loss_t}, "
                         f"max |grad diff| {max_grad_diff:.2e}")

    times = {"pycore": [], "torch": []}
    for _ in range(2):  # warm-up
        pycore_step(params, config, ids, targets)
        torch_step(ids_t, targets_t)
    for _ in range(args.repeats):  # interleaved
        start = time.perf_counter()
        pycore_step(params, config, ids, targets)
        times["pycore"].append(time.perf_counter() - start)
        start = time.perf_counter()
        torch_step(ids_t, targets_t)
        times["torch"].append(time.perf_counter() - start)
    pycore_ms, torch_ms = median_ms(times["pycore"]), median_ms(times["torch"])
    ratio = pycore_ms / torch_ms

    profile = profile_pycore(params, config, ids, targets)
    result = {
        "generated_by": GENERATED_BY,
        "model": dict(SHAPE, batch_size=B, seq_len=T, dtype="float32"),
        "threads": args.threads, "repeats": args.repeats,
        "pycore_ms": pycore_ms, "torch_ms": torch_ms, "ratio": ratio,
        "target_ratio": TARGET_RATIO, "meets_target": ratio <= TARGET_RATIO,
        "pycore_ms_all": [1000 * t for t in times["pycore"]],
        "torch_ms_all": [1000 * t for t in times["torch"]],
        "check": {"loss_pycore": loss_np, "loss_torch": loss_t,
                  "max_abs_grad_diff": max_grad_diff},
        "profile": profile[0], "profile_ops_ms": profile[1],
        "training": training_throughput(),
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "torch": torch.__version__},
        "machine": platform.machine(), "processor": platform.processor(),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")

    print(f"forward+backward, DecoderLM {SHAPE['d_model']}d x {SHAPE['n_layers']} layers, "
          f"B={B}, T={T}, float32, {args.threads} thread(s), median of {args.repeats}:")
    print(f"  pycore {pycore_ms:8.1f} ms   torch {torch_ms:8.1f} ms   ratio {ratio:.2f} "
          f"(target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'MISSED'})")
    print("  where pycore spends its time (own time per step):")
    for row in result["profile"]:
        print(f"    {row['ms_per_step']:7.1f} ms {100 * row['share']:5.1f} %  "
              f"{row['calls_per_step']:6.0f} calls  {row['function']}")
    print("  cumulative time of the main operations per step (nested calls included):")
    for name, ms in result["profile_ops_ms"].items():
        print(f"    {ms:7.1f} ms  {name}")
    tr = result["training"]
    print(f"training throughput, tiny preset, batch {tr['batch_size']} x {tr['seq_len']}: "
          f"{tr['tokens_per_s']:.0f} tokens/s (loss {tr['loss_first']:.3f} -> "
          f"{tr['loss_last']:.3f} in {tr['steps']} steps)")
    print(f"wrote {out}")
    return result


if __name__ == "__main__":
    main()
