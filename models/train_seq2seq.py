"""Train the shipped date-normalisation encoder-decoder (``dates_seq2seq``) with pycore.

Everything is pycore's own NumPy code: ``pycore.seq2seq_loss_and_grads`` (hand-written
backward through the decoder, its cross-attention and the encoder), ``pycore.AdamW`` with
warm-up + cosine learning rate and gradient clipping. The data are generated
(``pycore.dates.make_dates``, "train" split) from ``--seed``; the held-out split (a tenth of
the calendar days, never trained on) is used for the final exact-match accuracy.

Usage: ``python models/train_seq2seq.py [--steps N] [--seed S]``. Writes
``pycore/data/dates_seq2seq.npz``, ``pycore/data/dates_tokenizer.json`` and
``models/seq2seq_metrics.json``. Deterministic from ``--seed`` (on one machine: BLAS may round
differently elsewhere).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import pycore  # noqa: E402
from pycore.dates import BOS, EOS, date_tokenizer, encode_batch, make_dates  # noqa: E402
from pycore.seq2seq import translate  # noqa: E402

DATA = os.path.join(ROOT, "pycore", "data")
GENERATED_BY = "models/train_seq2seq.py"  # recorded in every JSON this script writes


def batch_arrays(tokenizer, pairs):
    """Teacher-forcing arrays for (source, target) pairs.

    Returns src (B, S), src_lengths (B,), tgt_in (B, T) = "^" + target, tgt_out (B, T) =
    target + "$". Every target has the same length (10 characters), so no target padding.
    """
    src, lengths = encode_batch(tokenizer, [s for s, _ in pairs])  # (B, S), (B,)
    tgt_in = np.array([tokenizer.encode(BOS + t) for _, t in pairs], dtype=np.int64)  # (B, T)
    tgt_out = np.array([tokenizer.encode(t + EOS) for _, t in pairs], dtype=np.int64)  # (B, T)
    return src, lengths, tgt_in, tgt_out


def accuracy(model, tokenizer, pairs, chunk=250):
    """Exact-match accuracy of greedy decoding on (source, target) pairs."""
    right = 0
    for i in range(0, len(pairs), chunk):
        part = pairs[i:i + chunk]
        outputs = translate(model, tokenizer, [s for s, _ in part])
        right += sum(o == t for o, (_, t) in zip(outputs, part))
    return right / len(pairs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--heldout", type=int, default=1000, help="held-out pairs for the metric")
    args = ap.parse_args()
    tokenizer = date_tokenizer()
    config = pycore.TransformerConfig(vocab_size=tokenizer.vocab_size, d_model=64, n_heads=4,
                                      n_layers=2, d_ff=128, max_len=24)
    model = pycore.Seq2Seq(config, seed=args.seed, dtype=np.float32)
    n_params = sum(a.size for a in pycore.flatten_params(model.params).values())
    print(f"V={tokenizer.vocab_size}, {n_params} parameters, {args.steps} steps of "
          f"{args.batch_size}", flush=True)
    pairs = make_dates(args.steps * args.batch_size, seed=args.seed, split="train")
    optimizer = pycore.AdamW(model.params, lr=args.lr, weight_decay=0.01)
    warmup = max(1, args.steps // 20)
    start = time.time()
    for step in range(args.steps):
        batch = pairs[step * args.batch_size:(step + 1) * args.batch_size]
        src, lengths, tgt_in, tgt_out = batch_arrays(tokenizer, batch)
        loss, grads = pycore.seq2seq_loss_and_grads(model, src, tgt_in, tgt_out,
                                                    src_lengths=lengths)
        pycore.clip_grad_norm(grads, 1.0)
        lr = pycore.cosine_schedule(step, max_lr=args.lr, total_steps=args.steps,
                                    warmup_steps=warmup, min_lr=args.lr / 10)
        optimizer.step(grads, lr=lr)
        if step % 100 == 0 or step == args.steps - 1:
            print(f"step {step:5d} loss {loss:.4f} lr {lr:.2e} {time.time() - start:.0f}s",
                  flush=True)
    seconds = time.time() - start
    heldout = make_dates(args.heldout, seed=args.seed + 1, split="heldout")
    acc = accuracy(model, tokenizer, heldout)
    print(f"done in {seconds:.0f}s; held-out exact match {acc:.4f} on {len(heldout)} pairs",
          flush=True)
    os.makedirs(DATA, exist_ok=True)
    pycore.save(os.path.join(DATA, "dates_seq2seq.npz"), model.params, config, kind="seq2seq")
    with open(os.path.join(DATA, "dates_tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump({"generated_by": GENERATED_BY, "kind": "char", "chars": tokenizer.chars,
                   "byte_fallback": False}, f,
                  ensure_ascii=True)
    with open(os.path.join(ROOT, "models", "seq2seq_metrics.json"), "w") as f:
        json.dump({"generated_by": GENERATED_BY, "heldout_exact_match": acc,
                   "heldout_pairs": len(heldout),
                   "seconds": seconds, "steps": args.steps, "batch_size": args.batch_size,
                   "seed": args.seed, "parameters": int(n_params)}, f, indent=1)


if __name__ == "__main__":
    main()
