"""pycore: a small, readable, pure-NumPy transformer library.

Every demo of *Inside the Transformer* is built on it. It runs unchanged in CPython and in
the browser (Pyodide 0.17: Python 3.8, NumPy 1.17). Symbols used in names and shape
comments are defined on the notation page: B, T, S, d_model, h, h_kv, d_head, d_ff, V.
"""

# --- core operations (softmax, masks, attention, heads, norms, activations, FFN, positions)
from .activations import (  # noqa: F401
    gelu,
    gelu_backward,
    relu,
    relu_backward,
    sigmoid,
    silu,
    silu_backward,
)
from .attention import (  # noqa: F401
    attention_backward,
    attention_forward,
    scaled_dot_product_attention,
)
from .embedding import embedding, embedding_backward, embedding_forward  # noqa: F401
from .feed_forward import (  # noqa: F401
    FFN_PARAM_NAMES,
    feed_forward,
    feed_forward_backward,
    feed_forward_forward,
)
from .flash import flash_attention  # noqa: F401
from .heads import merge_heads, split_heads  # noqa: F401
from .masks import causal_mask, padding_mask  # noqa: F401
from .norms import (  # noqa: F401
    layer_norm,
    layer_norm_backward,
    layer_norm_forward,
    rms_norm,
    rms_norm_backward,
    rms_norm_forward,
)
from .positions import (  # noqa: F401
    alibi_bias,
    alibi_slopes,
    apply_rope,
    rope_angles,
    rope_backward,
    sinusoidal_positions,
)
from .softmax import log_softmax, softmax, softmax_backward  # noqa: F401

# isort: split
# --- models and training (config, params, multi-head, blocks, DecoderLM, Seq2Seq, losses,
#     backprop, optimisers, save/load, KV cache)
from .backprop import loss_and_grads, numerical_gradient  # noqa: F401
from .block import block, block_backward, block_forward  # noqa: F401
from .config import PRESETS, TransformerConfig  # noqa: F401
from .decoder import DecoderLM, decoder_backward, decoder_forward  # noqa: F401
from .encoder import Encoder  # noqa: F401
from .kv_cache import KVCache, LayerKVCache, kv_cache_bytes  # noqa: F401
from .losses import cross_entropy, cross_entropy_backward, cross_entropy_forward  # noqa: F401
from .multi_head import (  # noqa: F401
    cross_attention_backward,
    cross_attention_forward,
    multi_head_attention,
    multi_head_attention_backward,
    multi_head_attention_forward,
)
from .optim import AdamW, clip_grad_norm, cosine_schedule, global_norm  # noqa: F401
from .params import (  # noqa: F401
    check_params,
    count_parameters,
    flatten_params,
    init_params,
    parameter_shapes,
    unflatten_params,
)
from .seq2seq import Seq2Seq, Seq2SeqCache, seq2seq_loss_and_grads  # noqa: F401
from .serialization import load, save  # noqa: F401
from .training import get_batch, train  # noqa: F401

# --- text and inference (tokenizers, sampling, beam search, generation, speculative
#     decoding, quantization, diagnostics)
# isort: split
from .beam import Hypothesis, beam_search, sequence_log_prob  # noqa: F401
from .diagnostics import (  # noqa: F401
    CheckResult,
    attention_entropy,
    check_attention_weights,
    check_cache,
    check_causal,
    check_shapes,
    debug_checklist,
    residual_norms,
)
from .generation import generate  # noqa: F401
from .pretrained import load_pretrained, load_pretrained_seq2seq  # noqa: F401  (shipped models)
from .quantization import (  # noqa: F401
    dequantize,
    int8_matmul,
    quantization_error,
    quantize,
    quantize_int4,
    quantize_int8,
    quantized_bytes,
)
from .sampling import (  # noqa: F401
    apply_repetition_penalty,
    apply_temperature,
    greedy,
    sample,
    sample_from_probs,
    sampling_probs,
    top_k_filter,
    top_p_filter,
)
from .speculative import (  # noqa: F401
    acceptance_probability,
    residual_distribution,
    speculative_generate,
    verify_drafts,
)
from .tokenizers import BPETokenizer, CharTokenizer  # noqa: F401

# isort: split
# --- figures as data (Vega-Lite): pc.figures.heatmap(...), pc.figures.show(...)
from . import figures  # noqa: F401

__version__ = "0.1.0"
