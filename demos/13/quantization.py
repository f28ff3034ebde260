# Weight quantization of the book's lm_tiny: store each weight matrix as 8- or 4-bit integers
# plus one scale per output column (symmetric absmax), and weigh the memory saved against the
# loss on held-out text: 8 windows of 64 characters from the last 10 % of the corpus
# (models/corpus.txt), which the model never trained on. "fp16" rounds the weights to
# float16, the usual serving format; every forward pass then runs in float64.
import numpy as np

import pycore as pc

granularity = "per-column"  # @param {type: "select", options: ["per-column", "per-tensor"]}

HELD_OUT = (
    '2016). SwiGLU (Shazeer 2020) multiplies a gate by a second projection, with\n$\\tex'
    't{SiLU}(z) = z\\,\\sigma(z)$:\n\n$$\n\\text{FFN}_\\text{SwiGLU}(x) = \\big(\\text{S'
    'iLU}(x W_\\text{gate}) \\odot x W_\\text{up}\\big)\\, W_\\text{down} .\n$$\n\nSwiGL'
    'U has three matrices instead of two, so to keep the parameter count of a\n$4 d_\\te'
    'xt{model}$ FFN it uses $d_\\text{ff} = \\tfrac{2}{3} \\cdot 4 d_\\text{model}$.\n\n'
    'Applied to a sequence $X$ of shape $(T, d_\\text{model})$, the FFN acts row by row,'
    ' so for any\n$T \\times T$ permutation matrix '
)
model, tok = pc.load_pretrained("lm_tiny")
ids = np.array(tok.encode(HELD_OUT))  # (8 * 64 + 1,)
x = ids[:-1].reshape(8, 64)  # (8, 64) inputs
y = ids[1:].reshape(8, 64)  # (8, 64) the next character at each place
template = model.params
original = {name: w.copy() for name, w in pc.flatten_params(template).items()}
matrices = [name for name, w in original.items() if w.ndim == 2]  # what gets quantized
axis = -1 if granularity == "per-column" else None
FP16 = 2  # bytes per value of the unquantized baseline


def loss_with(flat):
    """Held-out cross-entropy (nats per character) with the weights in ``flat``."""
    model.params = pc.unflatten_params(flat, template)
    return float(pc.cross_entropy(model.forward(x), y))


fp16 = dict(original)
for name in matrices:
    fp16[name] = original[name].astype(np.float16).astype(np.float64)
rows = {"fp16": {"bits": 16, "relative_error": 0.0,
                 "bytes": sum(original[n].size * FP16 for n in matrices),
                 "loss": loss_with(fp16)}}
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
print(f"{'format':6s} {'bytes':>7s} {'saving':>7s} {'rel. error':>10s} {'held-out loss':>14s}")
for label, row in rows.items():
    row["saving"] = rows["fp16"]["bytes"] / row["bytes"]
    print(f"{label:6s} {row['bytes']:7d} {row['saving']:6.2f}x {row['relative_error']:10.4f} "
          f"{row['loss']:14.4f}")

labels = list(rows)
F = pc.figures
F.show(F.panels([
    F.bars(labels, [rows[n]["bytes"] / 1024 for n in labels], y_title="weight memory (KiB)",
           annotate=True, fmt=".1f", title="memory", caption="Weight memory per format."),
    F.bars(labels, [rows[n]["loss"] for n in labels], y_title="held-out loss (nats/char)",
           annotate=True, fmt=".3f", title="loss", caption="Held-out loss per format."),
], caption=(f"Quantizing lm_tiny's weights ({granularity} scales): int8 takes about half the "
            "bytes of fp16 and int4 about a quarter (the scales cost a little); the held-out "
            "loss barely moves for int8 and rises for int4.")))

result = {"granularity": granularity, "n_matrices": len(matrices), "n_values": n_values,
          "formats": rows}
