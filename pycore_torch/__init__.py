"""pycore_torch: pycore's DecoderLM on PyTorch, for scale (CPU or GPU) and as pycore's proof.

pycore (pure NumPy) is the readable reference that runs in the browser; ``pycore_torch.model``
is the same model on ``torch.nn.functional``, with pycore's conventions, checks and weights
(``DecoderLM.from_npz`` loads a file written by ``pycore.save``). Its tests
(tests/pycore_torch) check it against pycore in float32 and float64, on the CPU and on CUDA
where there is a GPU; pycore's own tests compare pycore with it. ``pycore_torch.distributed``
trains it data-parallel under torchrun. torch is an optional extra (``pip install .[torch]``);
pycore never imports this package.

The at-scale twins of the demos, experiments built on this package, live in ``bench/twins``.
"""

from .model import (  # noqa: F401
    DecoderLM,
    KVCache,
    LayerKVCache,
    causal_mask,
    flash_attention,
    generate,
    multi_head_attention,
    scaled_dot_product_attention,
)

__version__ = "0.1.0"
