# Why decoding is limited by memory bandwidth: a roofline for one decoding step of Llama-3-8B.
# A step must read every weight from memory (2 bytes in fp16) and use it for 2 FLOPs per
# sequence in the batch, plus read each sequence's KV cache. Its arithmetic intensity
# (FLOPs per byte read) against the chip's ridge point (peak FLOP/s over bandwidth) says
# which roof limits it. Chip numbers: TPU v4 from Pope et al. (2022); A100 and H100 from
# NVIDIA's datasheets (dense bf16, SXM). The model shape is Llama-3-8B's.
import pycore as pc

hardware = "TPU v4"  # @param {type: "select", options: ["TPU v4", "A100 80GB", "H100 SXM"]}
batch = 1  # @param {type: "slider", min: 1, max: 512, step: 1}
T = 1024  # @param {type: "slider", min: 0, max: 8192, step: 512}

HARDWARE = {  # peak FLOP/s, memory bandwidth in bytes/s
    "TPU v4": (275e12, 1.2e12),
    "A100 80GB": (312e12, 2.039e12),
    "H100 SXM": (989e12, 3.35e12),
}
N, L, H_KV, D_HEAD, D_MODEL = 8.03e9, 32, 8, 128, 4096  # Llama-3-8B
FP16 = 2  # bytes per value, weights and cache


def decode_step(B, T):
    """FLOPs and bytes read by one decoding step of B sequences with T cached tokens each."""
    B = float(B)  # Python floats: the browser's NumPy integers are 32-bit and would overflow
    flops = B * (2 * N + 4 * L * T * D_MODEL)  # weights, then q.k and a.v over T keys
    n_bytes = FP16 * N + B * pc.kv_cache_bytes(L, H_KV, D_HEAD, T, bytes_per_value=FP16)
    return flops, n_bytes


def tokens_per_second(B, T, peak, bandwidth):
    """Upper bound: the step takes as long as the slower of its arithmetic and its reads."""
    flops, n_bytes = decode_step(B, T)
    return B / max(flops / peak, n_bytes / bandwidth)


peak, bandwidth = HARDWARE[hardware]
ridge = peak / bandwidth  # FLOP/byte where the two roofs meet
flops, n_bytes = decode_step(batch, T)
intensity = flops / n_bytes
share_of_peak = min(1.0, intensity / ridge)
step_ms = 1000 * max(flops / peak, n_bytes / bandwidth)
print(f"{hardware}: {peak / 1e12:.0f} TFLOP/s, {bandwidth / 1e12:.2f} TB/s, "
      f"ridge {ridge:.0f} FLOP/byte")
print(f"batch {batch}, {T} cached tokens: {intensity:.1f} FLOP/byte, "
      f"{'memory' if intensity < ridge else 'compute'}-bound, {100 * share_of_peak:.2f} % "
      f"of peak arithmetic, {step_ms:.2f} ms per step, "
      f"{tokens_per_second(batch, T, peak, bandwidth):.0f} tokens/s in all")
kv_limit = (2 * N + 4 * L * T * D_MODEL) / pc.kv_cache_bytes(L, H_KV, D_HEAD, T,
                                                             bytes_per_value=FP16) if T else None
if kv_limit is not None:
    print(f"however large the batch, the KV reads cap the intensity at {kv_limit:.0f} FLOP/byte")

batches = [2 ** i for i in range(10)]  # 1 .. 512
pc.figures.show(pc.figures.lines(
    batches, {f"{T} cached tokens": [tokens_per_second(b, T, peak, bandwidth) for b in batches],
              "weights only (T = 0)": [tokens_per_second(b, 0, peak, bandwidth)
                                       for b in batches]},
    log_x=True, log_y=True, points=True, vlines={f"batch {batch}": batch},
    x_title="sequences in the batch", y_title="tokens per second (upper bound)",
    title=f"Llama-3-8B decoding on {hardware}",
    caption=("Throughput bound of one decoding step against batch size. Reading the weights "
             "costs the same for 1 sequence as for 100, so throughput first grows in "
             "proportion to the batch (memory-bound); it flattens when arithmetic becomes the "
             "limit, or earlier when every sequence's KV cache must be read too.")))

result = {
    "hardware": hardware,
    "batch": batch,
    "T": T,
    "ridge": ridge,
    "intensity": intensity,
    "share_of_peak": share_of_peak,
    "step_ms": step_ms,
    "tokens_per_second": tokens_per_second(batch, T, peak, bandwidth),
    "weights_gb": FP16 * N / 1e9,
    "kv_limit": kv_limit,
}
