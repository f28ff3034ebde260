# FlashAttention in outline: attention computed tile by tile with an online softmax gives the
# same output as the naive softmax(Q K^T / sqrt(d)) V, yet never holds the T x T score matrix.
# Memory here is counted two ways: the bytes of the largest score array each method holds
# (deterministic, from the shapes) and, as text only, what tracemalloc measured in this run.
import numpy as np

import pycore as pc

T = 256  # @param {type: "slider", min: 32, max: 512, step: 32}
block_size = 32  # @param {type: "slider", min: 16, max: 128, step: 16}
causal = False  # @param {type: "checkbox"}

d_head = 32
BYTES = 8  # float64
rng = np.random.default_rng(0)
q = rng.standard_normal((T, d_head))  # (T, d_head)
k = rng.standard_normal((T, d_head))  # (T, d_head)
v = rng.standard_normal((T, d_head))  # (T, d_head)
mask = pc.causal_mask(T) if causal else None  # (T, T) bool or None

naive = pc.scaled_dot_product_attention(q, k, v, mask)  # (T, d_head), builds (T, T) scores
tiled = pc.flash_attention(q, k, v, block_size=block_size, causal=causal)  # (T, d_head)
max_diff = float(np.max(np.abs(naive - tiled)))


def score_bytes(T, block):
    """Largest score array held: (T, T) naive, one (B_r, B_c) tile tiled."""
    return {"naive": T * T * BYTES, "tiled": min(block, T) ** 2 * BYTES}


def state_bytes(T):
    """The tiled method's running state: output O (T, d_head), max m and sum l (T,)."""
    return (T * d_head + 2 * T) * BYTES


chosen = score_bytes(T, block_size)
print(f"T = {T}, d_head = {d_head}, block = {block_size}, causal = {causal}")
print(f"max |naive - tiled| = {max_diff:.2e}")
print(f"largest score array: naive {chosen['naive'] / 1024:.0f} KiB (T x T), "
      f"tiled {chosen['tiled'] / 1024:.1f} KiB (block x block) "
      f"+ running state {state_bytes(T) / 1024:.0f} KiB (O, m, l)")

try:  # tracemalloc follows NumPy's allocations in CPython; shown as text, never in result
    import tracemalloc

    peaks = {}
    for name, run in (("naive", lambda: pc.scaled_dot_product_attention(q, k, v, mask)),
                      ("tiled", lambda: pc.flash_attention(q, k, v, block_size=block_size,
                                                           causal=causal))):
        tracemalloc.start()
        run()
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"tracemalloc peak this run: naive {peaks['naive'] / 1024:.0f} KiB, "
          f"tiled {peaks['tiled'] / 1024:.0f} KiB")
except Exception as error:  # e.g. a runtime without tracemalloc
    print("tracemalloc unavailable here:", error)

Ts = np.arange(32, 1024 + 1, 32)  # (32,)
pc.figures.show(pc.figures.lines(
    Ts, {"naive (T × T)": [score_bytes(t, block_size)["naive"] / 2**20 for t in Ts],
         "tiled (tile + state)":
         [(score_bytes(t, block_size)["tiled"] + state_bytes(t)) / 2**20 for t in Ts]},
    log_x=True, log_y=True, vlines={f"T = {T}": T}, x_title="sequence length T",
    y_title="MiB (float64)",
    title=f"attention memory, d_head = {d_head}, block {block_size}",
    caption=("Memory each method holds, on log-log axes: the naive T × T score matrix is a "
             "line of slope 2 (doubling T quadruples it), the tiled method's tile and running "
             "state a line of slope 1.")))

result = {
    "T": T,
    "d_head": d_head,
    "block_size": block_size,
    "causal": causal,
    "max_diff": max_diff,
    "naive_score_bytes": chosen["naive"],
    "tiled_tile_bytes": chosen["tiled"],
    "tiled_state_bytes": state_bytes(T),
    "memory_ratio": chosen["naive"] / (chosen["tiled"] + state_bytes(T)),
}
