# What the T x T score matrix costs. One head holds T * T scores; they
# take T * T * d_head multiply-adds (and as many again for weights @ V):
# time O(T^2 d), memory O(T^2). Computed from the formula, not measured,
# so the numbers are the same on every machine.
import matplotlib.pyplot as plt
import numpy as np

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

# Check the formula against NumPy's own byte count on a small matrix.
check_T = 512
numpy_bytes = np.zeros((check_T, check_T), dtype=dtype).nbytes
formula_ok = numpy_bytes == score_bytes(check_T, dtype)
print(f"formula == NumPy nbytes at T = {check_T}: {formula_ok}")

# Plot log2 values on plain axes: log-scale tick labels would need
# Matplotlib's mathtext, which overflows the browser's stack.
log_T = np.arange(7, 18)  # (11,): T = 128 ... 131072
log_mib = [np.log2(score_bytes(2 ** int(n), dtype) / 2**20) for n in log_T]
fig, ax = plt.subplots(figsize=(5.0, 3.0))
ax.plot(log_T, log_mib, "o-", color="#b5562d")
ax.axvline(np.log2(T), color="0.5", linewidth=0.8)
x_ticks = [7, 10, 13, 17]
ax.set_xticks(x_ticks)
ax.set_xticklabels([f"{2 ** n:,}" for n in x_ticks])
y_ticks = [-5, 0, 5, 10, 15]
ax.set_yticks(y_ticks)
ax.set_yticklabels([human_bytes(2.0 ** (n + 20)) for n in y_ticks])
ax.set_xlabel("sequence length T (log scale)")
ax.set_ylabel("per head (log scale)")
ax.set_title(f"Score memory ({dtype}): slope 2 on log-log")

result = {
    "T": T, "dtype": dtype, "d_head": d_head,
    "bytes": chosen, "human": human_bytes(chosen), "growth": growth,
    "table": table,
    "formula_matches_numpy": bool(formula_ok),
}
