"""pycore_torch: pycore's operations and DecoderLM on PyTorch tensors, for scale and for proof.

pycore (pure NumPy) is the readable reference that runs in the browser. This package mirrors
its shared operations with the same names, signatures and conventions (row-vector weights
``y = x @ W + b``, boolean masks with True = may attend, interleaved RoPE pairs, ALiBi
offset S - T, GELU tanh form by default) on torch tensors, on any device, in float32,
float64 and (where it makes sense) bfloat16. Its tests check every op and the whole
DecoderLM against pycore (1e-5 in float32, 1e-10 in float64). torch is an optional extra
(``pip install .[torch]``); pycore never imports this package.

The at-scale twins of the demos live in ``pycore_torch.twins`` and run with
``python -m demos run 05/scaling_ablation --backend torch --device cuda --scale large``.
"""

from .activations import gelu, relu, sigmoid, silu  # noqa: F401
from .attention import scaled_dot_product_attention  # noqa: F401
from .decoder import DecoderLM  # noqa: F401
from .feed_forward import FFN_PARAM_NAMES, feed_forward  # noqa: F401
from .flash import flash_attention  # noqa: F401
from .generation import generate  # noqa: F401
from .heads import merge_heads, split_heads  # noqa: F401
from .kv_cache import KVCache, LayerKVCache  # noqa: F401
from .masks import causal_mask, padding_mask  # noqa: F401
from .multi_head import ATTENTION_PARAM_NAMES, multi_head_attention  # noqa: F401
from .norms import layer_norm, rms_norm  # noqa: F401
from .positions import (  # noqa: F401
    alibi_bias,
    alibi_slopes,
    apply_rope,
    rope_angles,
    sinusoidal_positions,
)
from .sampling import (  # noqa: F401
    apply_temperature,
    greedy,
    sample,
    sample_from_probs,
    sampling_probs,
    top_k_filter,
    top_p_filter,
)
from .softmax import log_softmax, softmax  # noqa: F401

__version__ = "0.1.0"
