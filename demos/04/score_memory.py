# What the T x T score matrix costs. One head holds T * T scores; they
# take T * T * d_head multiply-adds (and as many again for weights @ V):
# time O(T^2 d), memory O(T^2). Computed from the formula, not measured,
# so the numbers are the same on every machine.
import numpy as np

import pycore as pc

T = 4096  # @param {type: "select", options: [128, 512, 2048, 4096, 32768, 131072]}
dtype = "float16"  # @param {type: "select", options: ["float16", "float32"]}
d_head = 64  # @param {type: "slider", min: 16, max: 256, step: 16}

UNITS = ["B", "KiB", "MiB", "GiB", "TiB"]


def human_bytes(n_bytes):
    """Binary units (1 MiB = 2**20 bytes): 524288 -> '0.5 MiB'."""
    value, unit = float(n_bytes), 0
    # From 512 up, use the next unit: 512 KiB reads as 0.5 MiB.
    while value >= 512 and unit < len(UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{value:g} {UNITS[unit]}"


def score_bytes(T, dtype):
    """Memory of one head's (T, T) score matrix."""
    return T * T * np.dtype(dtype).itemsize


def attention_flops(T, d_head):
    """2 FLOPs per multiply-add: Q K^T and weights @ V, 2 T^2 d_head each."""
    return 4 * T * T * d_head


def projection_flops(T, d_model):
    """The four projections W_Q, W_K, W_V, W_O of one layer: 2 T d_model^2 FLOPs each."""
    return 8 * T * d_model * d_model


print(f"{'T':>8} {'scores/head':>15} {'memory':>9} {'FLOPs':>9}")
table = {}
for length in (128, 512, 4096, 32768, 131072):
    n_bytes = score_bytes(length, dtype)
    flops = attention_flops(length, d_head)
    memory = human_bytes(n_bytes)
    print(f"{length:>8} {length * length:>15,} {memory:>9} {flops:>9.2e}")
    table[f"T{length}"] = {"T": length, "bytes": n_bytes, "human": memory,
                           "mib": n_bytes / 2**20, "gib": n_bytes / 2**30,
                           "flops": flops}

chosen = score_bytes(T, dtype)
growth = score_bytes(2 * T, dtype) // chosen
print(f"\nT = {T:,}, {dtype}: {human_bytes(chosen)} per head and layer;")
print(f"doubling T multiplies it by {growth}.")

# Per layer, h heads of d_head = d_model / h do the work of one head of width d_model:
# 4 T^2 d_model FLOPs of scores and mixing against 8 T d_model^2 of projections, so the
# T^2 term is the larger one once T > 2 d_model.
d_model = 768  # GPT-2 small's width
crossover_T = next(n for n in range(1, 100 * d_model)
                   if attention_flops(n, d_model) >= projection_flops(n, d_model))
print(f"d_model = {d_model}: the T^2 work matches the projections at T = {crossover_T:,}")

# Check the formula against NumPy's own byte count on a small matrix.
check_T = 512
numpy_bytes = np.zeros((check_T, check_T), dtype=dtype).nbytes
formula_ok = numpy_bytes == score_bytes(check_T, dtype)
print(f"formula == NumPy nbytes at T = {check_T}: {formula_ok}")

lengths = 2 ** np.arange(7, 18)  # (11,): T = 128 ... 131072
pc.figures.show(pc.figures.lines(
    lengths, {f"{dtype} scores": [score_bytes(int(n), dtype) / 2**20 for n in lengths]},
    log_x=True, log_y=True, points=True, vlines={f"T = {T:,}": T},
    x_title="sequence length T", y_title="MiB per head and layer",
    caption=(f"Memory of one head's T × T score matrix in {dtype}: a straight line of "
             "slope 2 on log-log axes, since doubling T quadruples it.")))

result = {
    "T": T, "dtype": dtype, "d_head": d_head,
    "bytes": chosen, "human": human_bytes(chosen), "growth": growth,
    "table": table,
    "formula_matches_numpy": bool(formula_ok),
    "d_model": d_model, "crossover_T": crossover_T,
}
