"""Train the shipped character-level decoder LMs (``lm_tiny`` and its ``lm_draft``) with pycore.

Everything here is pycore's own NumPy code: ``pycore.train`` (hand-written backward pass,
AdamW, warm-up + cosine schedule, gradient clipping). The corpus is the monograph's own prose
(``docs/*.md`` and ``docs/chapters/*.md``, CC BY-SA 4.0 like the rest of the text), frozen into
``models/corpus.txt`` the first time this script runs so later runs are reproducible. The last
10 % of the corpus is held out for validation and never trained on.

Usage: ``python models/train_lm.py [--steps N] [--draft-steps N] [--refresh-corpus]``.
Writes ``pycore/data/lm_tiny.npz``, ``pycore/data/lm_draft.npz`` and
``pycore/data/char_tokenizer.json``. Deterministic from ``--seed``.
"""
import argparse
import glob
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import pycore  # noqa: E402

CORPUS = os.path.join(ROOT, "models", "corpus.txt")
DATA = os.path.join(ROOT, "pycore", "data")
GENERATED_BY = "models/train_lm.py"  # recorded in every JSON this script writes
VAL_FRACTION = 0.1


def build_corpus():
    """Concatenate the monograph's Markdown (sorted paths) into models/corpus.txt."""
    paths = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    paths += sorted(glob.glob(os.path.join(ROOT, "docs", "chapters", "*.md")))
    parts = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            parts.append(f.read().strip() + "\n\n")
    with open(CORPUS, "w", encoding="utf-8") as f:
        f.write("".join(parts))


def split(text):
    """(train_text, val_text): the last VAL_FRACTION of the characters is held out."""
    cut = int(len(text) * (1 - VAL_FRACTION))
    return text[:cut], text[cut:]


def evaluate(model, ids, T, max_windows=64):
    """Mean next-token cross-entropy (nats) over non-overlapping windows of ``ids``."""
    n = min(max_windows, (len(ids) - 1) // T)
    x = np.stack([ids[i * T:(i + 1) * T] for i in range(n)])  # (n, T)
    y = np.stack([ids[i * T + 1:(i + 1) * T + 1] for i in range(n)])  # (n, T)
    return pycore.cross_entropy(model.forward(x), y)


def train_one(name, config, train_ids, val_ids, steps, batch_size, lr, seed):
    model = pycore.DecoderLM(config, seed=seed, dtype=np.float32)
    n_params = sum(a.size for a in pycore.flatten_params(model.params).values())
    print(f"[{name}] {n_params} parameters, {steps} steps", flush=True)
    start = time.time()
    for info in pycore.train(model, train_ids, steps=steps, batch_size=batch_size, lr=lr,
                             seed=seed):
        if info["step"] % 100 == 0 or info["step"] == steps:
            print(f"[{name}] step {info['step']:5d} loss {info['loss']:.3f} "
                  f"lr {info['lr']:.2e} {info['seconds']:.0f}s", flush=True)
    seconds = time.time() - start
    val = evaluate(model, val_ids, config.max_len)
    print(f"[{name}] done in {seconds:.0f}s; validation CE {val:.3f} nats/char", flush=True)
    pycore.save(os.path.join(DATA, name + ".npz"), model.params, config)
    return val, seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--draft-steps", type=int, default=600)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--refresh-corpus", action="store_true")
    ap.add_argument("--only", choices=("lm_tiny", "lm_draft"), help="train just this model")
    args = ap.parse_args()
    if args.refresh_corpus or not os.path.exists(CORPUS):
        build_corpus()
    with open(CORPUS, encoding="utf-8") as f:
        text = f.read()
    train_text, val_text = split(text)
    # The vocabulary is the corpus's distinct characters (no byte tokens: 256 extra output
    # rows would triple the cost of every step for ids the corpus never uses).
    tok = pycore.CharTokenizer(text, byte_fallback=False)
    os.makedirs(DATA, exist_ok=True)
    with open(os.path.join(DATA, "char_tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump({"generated_by": GENERATED_BY, "kind": "char", "chars": tok.chars,
                   "byte_fallback": False}, f,
                  ensure_ascii=True)
    train_ids = np.array(tok.encode(train_text), dtype=np.int64)
    val_ids = np.array(tok.encode(val_text), dtype=np.int64)
    counts = np.bincount(train_ids, minlength=tok.vocab_size) + 1.0  # add-one smoothing
    p = counts / counts.sum()
    unigram = float(-np.mean(np.log(p[val_ids])))
    print(f"corpus {len(text)} chars, V={tok.vocab_size}, unigram val CE {unigram:.3f}",
          flush=True)
    big = pycore.TransformerConfig(vocab_size=tok.vocab_size, d_model=64, n_heads=4, n_layers=2,
                                   d_ff=256, max_len=64, positional="rope")
    small = big.replace(d_model=32, n_heads=2, n_kv_heads=2, n_layers=1, d_ff=128)
    results = {"generated_by": GENERATED_BY, "unigram_val_ce": unigram}
    runs = (("lm_tiny", big, args.steps), ("lm_draft", small, args.draft_steps))
    for name, config, steps in runs:
        if args.only and name != args.only:
            continue
        val, seconds = train_one(name, config, train_ids, val_ids, steps, 16, 3e-3, args.seed)
        results[name] = {"val_ce": val, "seconds": seconds, "steps": steps}
    suffix = "" if args.only is None else "_" + args.only
    with open(os.path.join(ROOT, "models", "lm_metrics" + suffix + ".json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
