# Cross-attention at work: the book's shipped encoder-decoder (pycore.dates, trained with
# pycore's own backward pass) rewrites a date as ISO 8601. The encoder reads the source once;
# the decoder runs once per output character, and its cross-attention says which source
# characters each output character reads.
import matplotlib.pyplot as plt
import numpy as np

from pycore import dates

source = "24 Nov 2026"  # @param {type: "select", options: ["24 Nov 2026", "November 24, 2026", "24/11/2026", "2026 Nov 24"]}
layer = 1  # @param {type: "select", options: [0, 1]}

model, tokenizer = dates.load_pretrained_seq2seq()
calls = dates.count_calls(model)  # wraps model.encode / model.decode with counters
outputs, steps = dates.translate(model, tokenizer, [source], return_cross_attention=True)
output = outputs[0]
# One row per decoder step: that step's query over the S source positions, head-averaged.
S = len(source)
alignment = np.stack([step[layer][0, :, 0, :S].mean(axis=0) for step in steps])  # (steps, S)
rows = alignment[: len(output)]  # the steps that produced a character (the last emits EOS)
strongest = rows.argmax(axis=1)  # (len(output),) source position each character reads most

print(f"{source!r} -> {output!r}")
print(f"encoder calls: {calls['encode']}, decoder calls: {calls['decode']} "
      f"({len(output)} characters + 1 end-of-sequence step)")
for t, char in enumerate(output):
    print(f"step {t:2d} writes {char!r}: reads source {source[strongest[t]]!r} "
          f"(position {strongest[t]}, weight {rows[t, strongest[t]]:.2f})")

fig, ax = plt.subplots(figsize=(5.2, 3.4))
ax.imshow(rows, cmap="Oranges", vmin=0, vmax=1, aspect="auto")
ax.set_xticks(range(S))
ax.set_xticklabels(list(source))
ax.set_yticks(range(len(output)))
ax.set_yticklabels(list(output))
ax.set_xlabel("source character (encoder)")
ax.set_ylabel("output character (decoder)")
ax.set_title(f"cross-attention, layer {layer}, mean over heads")

result = {
    "source": source,
    "output": output,
    "encoder_calls": calls["encode"],
    "decoder_calls": calls["decode"],
    "strongest": strongest,
    "alignment": rows,
    "year_reads_from": int(strongest[0]),
}
