# Weight quantization: store each weight matrix as 8- or 4-bit integers plus one scale per
# output column (symmetric absmax), and see what it costs in accuracy against what it saves in
# memory. The model is a tiny DecoderLM trained here for 60 steps on one repeated sentence
# (no trained model ships with the book); its loss is measured on one fixed batch.
import numpy as np

import pycore as pc

granularity = "per-column"  # @param {type: "select", options: ["per-column", "per-tensor"]}

text = "the cat sat on the mat. " * 8
chars = sorted(set(text))
data = np.array([chars.index(c) for c in text])  # (N,) character ids
config = pc.TransformerConfig(vocab_size=len(chars), d_model=32, n_heads=4, n_layers=2,
                              d_ff=64, max_len=128)
model = pc.DecoderLM(config, seed=0)
losses = [log["loss"] for log in pc.train(model, data, steps=60, batch_size=8,
                                          seq_len=24, lr=1e-2)]
x, y = pc.get_batch(data, 8, 24, np.random.default_rng(123))  # (8, 24) inputs and targets
template = model.params
original = {name: w.copy() for name, w in pc.flatten_params(template).items()}
matrices = [name for name, w in original.items() if w.ndim == 2]  # what gets quantized
axis = -1 if granularity == "per-column" else None
FP16 = 2  # bytes per value of the unquantized baseline


def loss_with(flat):
    model.params = pc.unflatten_params(flat, template)
    return float(pc.cross_entropy(model.forward(x), y))


rows = {"fp16": {"bits": 16, "relative_error": 0.0,
                 "bytes": sum(original[n].size * FP16 for n in matrices),
                 "loss": loss_with(original)}}
for label, bits in (("int8", 8), ("int4", 4)):
    params = dict(original)
    err2 = norm2 = 0.0
    n_bytes = 0
    for name in matrices:
        w = original[name]  # (d_in, d_out)
        q, scale = pc.quantize(w, bits=bits, axis=axis)  # int8 (d_in, d_out), scales
        w_hat = pc.dequantize(q, scale)  # (d_in, d_out)
        params[name] = w_hat
        err2 += float(np.sum((w - w_hat) ** 2))
        norm2 += float(np.sum(w ** 2))
        n_bytes += pc.quantized_bytes(w.shape, bits, n_scales=scale.size, scale_bytes=FP16)
    rows[label] = {"bits": bits, "relative_error": (err2 / norm2) ** 0.5, "bytes": n_bytes,
                   "loss": loss_with(params)}
model.params = template

n_values = sum(original[n].size for n in matrices)
print(f"{len(matrices)} weight matrices, {n_values} values, {granularity} scales")
print(f"{'format':6s} {'bytes':>7s} {'saving':>7s} {'rel. error':>10s} {'loss':>7s}")
for label, row in rows.items():
    row["saving"] = rows["fp16"]["bytes"] / row["bytes"]
    print(f"{label:6s} {row['bytes']:7d} {row['saving']:6.2f}x {row['relative_error']:10.4f} "
          f"{row['loss']:7.4f}")

labels = list(rows)
F = pc.figures
F.show(F.panels([
    F.bars(labels, [rows[n]["bytes"] / 1024 for n in labels], y_title="weight memory (KiB)",
           annotate=True, fmt=".1f", title="memory", caption="Weight memory per format."),
    F.bars(labels, [rows[n]["loss"] for n in labels], y_title="loss on a fixed batch",
           annotate=True, fmt=".4f", title="loss", caption="Loss per format."),
], caption=(f"Quantizing a tiny model's weights ({granularity} scales): int8 takes about "
            "half the bytes of fp16 and int4 about a quarter (the scales cost a little), "
            "while the loss on the same batch barely moves for int8 and moves more for "
            "int4.")))

result = {"granularity": granularity, "n_matrices": len(matrices), "n_values": n_values,
          "formats": rows}
