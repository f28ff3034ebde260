"""pycore: a small, readable, pure-NumPy transformer library.

Every demo of *Inside the Transformer* is built on it. It runs unchanged in CPython and in
the browser (Pyodide 0.17: Python 3.8, NumPy 1.17). Symbols used in names and shape
comments are defined on the notation page: B, T, S, d_model, h, h_kv, d_head, d_ff, V.
"""

# --- core operations (softmax, masks, attention, heads, norms, activations, FFN, positions)
# --- models and training (config, params, multi-head, blocks, DecoderLM, Seq2Seq, losses,
#     backprop, optimisers, save/load, KV cache)
# --- text and inference (tokenizers, sampling, beam search, generation, speculative
#     decoding, quantization, diagnostics)

__version__ = "0.1.0"
