"""At-scale twin of demo 05/scaling_ablation: why attention divides q.k by sqrt(d_k).

With q and k of d_k independent unit-variance entries, q.k has variance d_k (Vaswani et al.
2017, section 3.2.1, footnote 4). Unscaled, the scores spread so far that the softmax
saturates: its entropy collapses towards 0 and its Jacobian diag(w) - w w^T, which carries every
gradient back to q and k, vanishes. Dividing by sqrt(d_k) keeps the variance at 1 for every
d_k. The demo shows this up to d_k = 512 in the browser; this twin goes to d_k = 4,096 with
many more queries and keys.

Per d_k and for scores q.k and q.k / sqrt(d_k): the variance of the scores, the mean entropy of
each query's attention weights (nats; log T is uniform), the mean Frobenius norm of the softmax
Jacobian, via ||diag(w) - w w^T||_F^2 = sum w^2 - 2 sum w^3 + (sum w^2)^2 so no T x T matrix
is formed, and the fraction of saturated rows (max weight > 0.99).
"""

from __future__ import annotations

import math

import numpy as np

from ._common import pick, print_table, save_outputs

DEMO_ID = "05/scaling_ablation"
SUMMARY = "variance, attention entropy and softmax-gradient size vs d_k, with/without sqrt(d_k)"
SATURATION = 0.99

# (R key sets, n queries per set, T keys per set, d_k grid)
SIZES = {
    "test": (2, 32, 16, [4, 16, 64]),
    "small": (8, 256, 64, [2 ** i for i in range(2, 13)]),
    ("large", "cuda"): (64, 1024, 512, [2 ** i for i in range(2, 13)]),
    ("large", "cpu"): (16, 512, 128, [2 ** i for i in range(2, 13)]),
}


def _stats_from_weights(w, xp):
    """Entropy, Jacobian norm and saturation of softmax rows ``w`` (..., T), as floats."""
    log_w = xp.log(xp.where(w > 0, w, 1.0))  # 0 log 0 counts as 0
    entropy = -(w * log_w).sum(-1)  # (...,)
    s2, s3 = (w * w).sum(-1), (w * w * w).sum(-1)  # (...,)
    jac = xp.sqrt(xp.clip(s2 - 2 * s3 + s2 * s2, 0, None))  # (...,) ||diag(w) - w w^T||_F
    top = w.max(-1) if xp is np else w.max(-1).values  # (...,) largest weight of each row
    saturated = float((top > SATURATION).sum()) / top.numel() if xp is not np else \
        float(np.mean(top > SATURATION))
    return float(entropy.mean()), float(jac.mean()), saturated


def _measure_torch(d, R, n, T, device, generator):
    import torch

    q = torch.randn(R, n, d, device=device, generator=generator)  # (R, n, d_k), N(0, 1) entries
    k = torch.randn(R, T, d, device=device, generator=generator)  # (R, T, d_k)
    dots = q @ k.transpose(-1, -2)  # (R, n, T), variance d_k
    row = {}
    for name, scale in (("unscaled", 1.0), ("scaled", 1.0 / math.sqrt(d))):
        s = dots * scale
        w = torch.softmax(s, dim=-1)  # (R, n, T)
        entropy, jac, sat = _stats_from_weights(w, torch)
        row[name] = dict(variance=float(s.var()), entropy=entropy, jacobian_norm=jac,
                         saturated=sat)
    return row


def _measure_numpy(d, R, n, T, rng):
    import pycore as pc

    q = rng.standard_normal((R, n, d)).astype(np.float32)  # (R, n, d_k)
    k = rng.standard_normal((R, T, d)).astype(np.float32)  # (R, T, d_k)
    dots = q @ np.swapaxes(k, -1, -2)  # (R, n, T)
    row = {}
    for name, scale in (("unscaled", 1.0), ("scaled", 1.0 / math.sqrt(d))):
        s = dots * np.float32(scale)
        w = pc.softmax(s)  # (R, n, T)
        entropy, jac, sat = _stats_from_weights(w, np)
        row[name] = dict(variance=float(s.var()), entropy=entropy, jacobian_norm=jac,
                         saturated=sat)
    return row


def run(backend: str, device: str, scale: str, out_dir, seed: int = 0) -> dict:
    R, n, T, grid = pick(SIZES, scale, device)
    print(f"{DEMO_ID} at scale: {R} x {n} queries over {T} keys per d_k, d_k up to {grid[-1]} "
          f"({backend}, {device})")
    if backend == "torch":
        import torch

        generator = torch.Generator(device=device).manual_seed(seed)
        rows = {d: _measure_torch(d, R, n, T, device, generator) for d in grid}
    else:
        rng = np.random.default_rng(seed)
        rows = {d: _measure_numpy(d, R, n, T, rng) for d in grid}
    table = [dict(d_k=d, var_u=r["unscaled"]["variance"], var_s=r["scaled"]["variance"],
                  ent_u=r["unscaled"]["entropy"], ent_s=r["scaled"]["entropy"],
                  jac_u=r["unscaled"]["jacobian_norm"], jac_s=r["scaled"]["jacobian_norm"],
                  sat_u=r["unscaled"]["saturated"], sat_s=r["scaled"]["saturated"])
             for d, r in rows.items()]
    print(f"entropy of uniform attention over T={T} keys: log T = {math.log(T):.3f} nats")
    print_table(table, [("d_k", "d_k", "d"), ("var_u", "var q.k", ".4g"),
                        ("var_s", "var scaled", ".3f"), ("ent_u", "entropy", ".3f"),
                        ("ent_s", "entropy scaled", ".3f"), ("jac_u", "|J|", ".3g"),
                        ("jac_s", "|J| scaled", ".3f"), ("sat_u", "saturated", ".2f"),
                        ("sat_s", "saturated scaled", ".2f")])

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(9, 3))
    panels = (("variance", "variance of scores", True), ("entropy", "attention entropy (nats)",
                                                         False),
              ("jacobian_norm", "softmax Jacobian norm", True))
    for ax, (key, title, logy) in zip(axes, panels):
        for name, style, label in (("unscaled", "o-", "q.k"),
                                   ("scaled", "s-", "q.k / sqrt(d_k)")):
            ax.plot(grid, [rows[d][name][key] for d in grid], style, ms=3, label=label)
        ax.set_xscale("log", base=2)
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel("d_k")
        ax.set_title(title, fontsize=9)
    axes[1].axhline(math.log(T), color="grey", lw=0.8, ls="--")
    axes[0].legend(fontsize=8)
    result = {"demo": DEMO_ID, "R": R, "n_queries": n, "T": T, "rows": table}
    return save_outputs("05_scaling_ablation", fig, result, out_dir, backend, device, scale)
