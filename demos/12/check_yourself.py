# Check yourself: predict, then run. A freshly initialised model that reads bytes (a
# byte-level tokenizer, V = 256) reads a held-out sentence. What will its next-byte loss be,
# in nats per byte (two decimals)? Put your prediction in `prediction` and run: the demo then
# builds the untrained model and measures it.
import numpy as np

import pycore as pc
from exercises import check
from exercises.ch12 import INITIAL_LOSS_PROBLEM

prediction = None  # your prediction, in nats per byte

result = check("12/initial_loss", prediction)

if prediction is not None:  # only once you have committed to a prediction
    ids = np.frombuffer(INITIAL_LOSS_PROBLEM["text"].encode("utf-8"), dtype=np.uint8)
    ids = ids.astype(np.int64)  # (T + 1,) one id per byte
    config = pc.TransformerConfig(vocab_size=INITIAL_LOSS_PROBLEM["vocab_size"], d_model=32,
                                  n_heads=2, n_layers=1, d_ff=64, max_len=64)
    untrained = pc.DecoderLM(config, seed=0)
    loss = float(pc.cross_entropy(untrained.forward(ids[None, :-1]), ids[None, 1:]))
    print(f"measured: the untrained model's loss is {loss:.3f} nats per byte "
          f"(you predicted {float(prediction):g})")
    result["measured"] = loss
