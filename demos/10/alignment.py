# Cross-attention at work: the book's shipped encoder-decoder (pycore.seq2seq, trained with
# pycore's own backward pass) rewrites a date as ISO 8601. The encoder reads the source once;
# the decoder runs once per output character, and its cross-attention says which source
# characters each output character reads.
import numpy as np

import pycore as pc
from demos.helpers import count_calls  # counts model.encode / model.decode calls
from pycore.seq2seq import translate

source = "24 Nov 2026"  # @param {type: "select", options: ["24 Nov 2026", "November 24, 2026", "24/11/2026", "2026 Nov 24"]}
layer = 1  # @param {type: "select", options: [0, 1]}

model, tokenizer = pc.load_pretrained_seq2seq()
calls = count_calls(model, ("encode", "decode"))  # the encoder should run once
outputs, steps = translate(model, tokenizer, [source], return_cross_attention=True)
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

F = pc.figures
source_chars = [c.replace(" ", "␣") for c in source]  # a blank would be invisible
F.show(F.heatmap(
    rows, row_labels=list(output), col_labels=source_chars, domain=(0, 1),
    row_title="output character (decoder)", col_title="source character (encoder)",
    value_title="weight", title=f"cross-attention, layer {layer}, mean over heads",
    caption=(f"Which characters of {source!r} each output character of {output!r} reads. "
             "Look for the strongest cell in each row: the output's year reads the source's "
             "year and its day the source's day, wherever they stand in the source."),
    alt=(f"Heatmap of cross-attention weights from the {len(output)} output characters of "
         f"{output!r} (rows) to the {S} source characters of {source!r} (columns). Each "
         "output character reads most from: " + ", ".join(
             f"{char!r} from {source[j]!r} at {j}" for char, j in zip(output, strongest))
         + ".")))
# The same weights per head: (n_layers, h, output steps, S), one line per weight.
per_head = np.array([[step[i][0, :, 0, :S] for step in steps[: len(output)]]
                     for i in range(len(steps[0]))]).transpose(0, 2, 1, 3)
F.show(F.attention_view(
    list(output), per_head, key_tokens=list(source), layer=layer, threshold=0.01,
    caption=("Cross-attention head by head: output characters on the left, source "
             "characters on the right. The heatmap above averages these heads.")))

result = {
    "source": source,
    "output": output,
    "encoder_calls": calls["encode"],
    "decoder_calls": calls["decode"],
    "strongest": strongest,
    "alignment": rows,
    "year_reads_from": int(strongest[0]),
}
