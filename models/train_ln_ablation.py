"""Train one deep, narrow decoder five ways for chapter 07: where the norm sits, and the residual.

The five runs share everything (data, initialisation, batches, optimiser) except:

- ``pre``: pre-LN, x + F(LN(x)), constant learning rate from the first step;
- ``pre_warmup``: the same with a linear warm-up;
- ``post``: post-LN, LN(x + F(x)), no warm-up;
- ``post_warmup``: post-LN with the warm-up;
- ``no_residual``: pre-LN without the residual connection, F(LN(x)).

F is pycore's causal multi-head attention, then pycore's GELU FFN, as in every block of the
book. The data are sequences from a random 16-symbol Markov chain with sparse transitions, so
the best possible loss (the chain's entropy rate) is known exactly. The weights are drawn as
Xiong et al. (2020) analyse (Glorot for the matrices), Adam without weight decay or clipping,
so nothing hides the difference the norm's position makes.

Twelve layers for a few hundred steps take minutes in CPython, far over a page's budget, so
this script runs them once and writes ``pycore/data/ln_ablation.json``, which
``demos/07/ln_training.py`` draws; ``tests/demos/test_07_ln_training.py`` reruns a run and
checks the file. Usage: ``python models/train_ln_ablation.py [--steps N]``.
"""
import argparse
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import pycore as pc  # noqa: E402

OUT = os.path.join(ROOT, "pycore", "data", "ln_ablation.json")
GENERATED_BY = "models/train_ln_ablation.py"  # recorded in every JSON this script writes
SETTINGS = dict(vocab_size=16, d_model=16, n_heads=2, n_layers=12, seq_len=16, batch_size=8,
                lr=0.01, warmup_steps=25, steps=100, seed=0)
RUNS = {  # name: (where the norm sits, warm-up)
    "pre": ("pre", False), "pre_warmup": ("pre", True), "post": ("post", False),
    "post_warmup": ("post", True), "no_residual": ("none", False),
}


def markov_chain(V, seed):
    """A (V, V) transition matrix: three likely successors per symbol, a little mass elsewhere."""
    rng = np.random.default_rng(seed)
    P = np.full((V, V), 0.02)
    for a in range(V):
        P[a, rng.choice(V, 3, replace=False)] += [3.0, 2.0, 1.0]
    return P / P.sum(axis=1, keepdims=True)


def entropy_rate(P):
    """The chain's entropy per symbol (nats): the loss a perfect model reaches."""
    stationary = np.linalg.matrix_power(P.T, 500)[:, 0]  # (V,)
    return float(-(stationary @ (P * np.log(P)).sum(axis=1)))


def unigram_entropy(P):
    """Entropy of the chain's stationary distribution: the loss of a model that only knows
    how often each symbol occurs, not what follows what."""
    stationary = np.linalg.matrix_power(P.T, 500)[:, 0]  # (V,)
    return float(-(stationary @ np.log(stationary)))


def sample(P, n, seed):
    rng = np.random.default_rng(seed)
    out = np.zeros(n, dtype=np.int64)
    for i in range(1, n):
        out[i] = rng.choice(P.shape[0], p=P[out[i - 1]])
    return out


def init(config, seed):
    """pycore's parameter tree, matrices redrawn Glorot-normal, embeddings of norm about 1."""
    params = pc.init_params(config, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for name, W in pc.flatten_params(params).items():
        if W.ndim == 2:
            if name in ("tokens", "positions"):
                std = 1.0 / np.sqrt(config.d_model)
            else:
                std = np.sqrt(2.0 / (W.shape[0] + W.shape[1]))
            W[...] = std * rng.standard_normal(W.shape)
    return params


def sublayers(layer, config):
    """The block's two sublayers F as (norm params, forward, backward), attention first."""
    def attend(x):
        return pc.multi_head_attention_forward(x, layer["attn"], config.n_heads, causal=True)

    def ffn(x):
        return pc.feed_forward_forward(x, layer["ffn"], "gelu")

    return [("attn_norm", "attn", attend, pc.multi_head_attention_backward),
            ("ffn_norm", "ffn", ffn, pc.feed_forward_backward)]


def forward(params, config, ids, wiring):
    """Logits (B, T, V) and caches, with the norm and residual wired as ``wiring`` says."""
    B, T = ids.shape
    x = params["tokens"][ids] + params["positions"][:T]  # (B, T, d_model)
    caches = []
    for layer in params["layers"]:
        for norm_name, _name, f, _ in sublayers(layer, config):
            gamma, beta = layer[norm_name]["gamma"], layer[norm_name]["beta"]
            if wiring == "post":
                y, f_cache = f(x)
                x, n_cache = pc.layer_norm_forward(x + y, gamma, beta)  # LN(x + F(x))
            else:
                z, n_cache = pc.layer_norm_forward(x, gamma, beta)
                y, f_cache = f(z)
                x = x + y if wiring == "pre" else y  # x + F(LN(x)), or F(LN(x)) alone
            caches.append((f_cache, n_cache))
    final = None
    if wiring != "post":  # post-LN already ends in a LayerNorm
        x, final = pc.layer_norm_forward(x, params["final_norm"]["gamma"],
                                         params["final_norm"]["beta"])
    return x @ params["tokens"].T, (ids, caches, final, x)  # (B, T, V), tied output matrix


def backward(params, config, dlogits, cache, wiring):
    """Gradients nested like ``params`` (unused ones zero)."""
    ids, caches, final, h = cache
    grads = {"tokens": np.einsum("btv,btd->vd", dlogits, h),  # output side of the tied E
             "final_norm": {k: np.zeros_like(v) for k, v in params["final_norm"].items()}}
    dx = dlogits @ params["tokens"]  # (B, T, d_model)
    if final is not None:
        dx, grads["final_norm"] = pc.layer_norm_backward(dx, final)
    layer_grads, k = [], len(caches)
    for layer in reversed(params["layers"]):
        g = {}
        for norm_name, name, _, back in reversed(sublayers(layer, config)):
            k -= 1
            f_cache, n_cache = caches[k]
            if wiring == "post":
                dsum, g[norm_name] = pc.layer_norm_backward(dx, n_cache)
                dy, g[name] = back(dsum, f_cache)
                dx = dsum + dy
            else:
                dz, g[name] = back(dx, f_cache)
                dn, g[norm_name] = pc.layer_norm_backward(dz, n_cache)
                dx = dx + dn if wiring == "pre" else dn
        layer_grads.append(g)
    grads["layers"] = layer_grads[::-1]
    np.add.at(grads["tokens"], ids, dx)  # input side of the tied E
    grads["positions"] = np.zeros_like(params["positions"])
    grads["positions"][: ids.shape[1]] = dx.sum(axis=0)
    return grads


def run(name, settings=SETTINGS):
    """Train one run; returns its per-step losses and first-step gradient norm."""
    s = settings
    wiring, warmup = RUNS[name]
    config = pc.TransformerConfig(vocab_size=s["vocab_size"], d_model=s["d_model"],
                                  n_heads=s["n_heads"], n_layers=s["n_layers"],
                                  d_ff=4 * s["d_model"], max_len=s["seq_len"])
    P = markov_chain(s["vocab_size"], s["seed"])
    data = sample(P, 20000, s["seed"] + 1)
    params = init(config, s["seed"])
    optimizer = pc.AdamW(params, lr=s["lr"], weight_decay=0.0)
    batches = np.random.default_rng(s["seed"] + 2)
    losses, grad_norms = [], []
    for step in range(s["steps"]):
        ids, targets = pc.get_batch(data, s["batch_size"], s["seq_len"], batches)  # (B, T)
        logits, cache = forward(params, config, ids, wiring)
        loss, loss_cache = pc.cross_entropy_forward(logits, targets)
        grads = backward(params, config, pc.cross_entropy_backward(1.0, loss_cache), cache,
                         wiring)
        lr = s["lr"] * min(1.0, (step + 1) / s["warmup_steps"]) if warmup else s["lr"]
        optimizer.step(grads, lr=lr)
        losses.append(float(loss))
        grad_norms.append(float(pc.global_norm(grads)))
    return {"losses": losses, "grad_norms": grad_norms}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=SETTINGS["steps"])
    parser.add_argument("--warmup-steps", type=int, default=SETTINGS["warmup_steps"])
    parser.add_argument("--lr", type=float, default=SETTINGS["lr"])
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args(argv)
    settings = dict(SETTINGS, steps=args.steps, warmup_steps=args.warmup_steps, lr=args.lr)
    P = markov_chain(settings["vocab_size"], settings["seed"])
    out = {"generated_by": GENERATED_BY, "settings": settings, "entropy_rate": entropy_rate(P),
           "unigram": unigram_entropy(P), "uniform": float(np.log(settings["vocab_size"])),
           "runs": {}}
    for name in RUNS:
        out["runs"][name] = run(name, settings)
        tail = np.mean(out["runs"][name]["losses"][-10:])
        print(f"{name:12s} loss over the last 10 steps {tail:.3f}", flush=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"entropy rate {out['entropy_rate']:.3f}; wrote {args.out}")


if __name__ == "__main__":
    main()
