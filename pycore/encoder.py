"""A bidirectional transformer encoder.

The encoder (Vaswani et al. 2017, section 3.1; BERT, Devlin et al. 2019) is the shared stack
of ``pycore.stack`` without the causal mask and without an output projection: every token
attends to every real token of its sequence. In a padded batch a ``padding_mask``
(B, 1, 1, S) hides the padding keys. The encoder-decoder that reads its output is in
``seq2seq.py``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_int_array
from .config import TransformerConfig
from .masks import padding_mask
from .params import model_params
from .stack import check_ids, stack_diagnostics, stack_forward

__all__ = ["Encoder", "encoder_forward", "source_mask"]


def source_mask(lengths, B: int, S: int, name: str = "src_lengths"):
    """Padding mask (B, 1, 1, S) from lengths (B,), or None if every token is real."""
    if lengths is None:
        return None
    lengths = as_int_array(lengths, name)
    if lengths.shape != (B,):
        raise ValueError(f"{name} has shape {lengths.shape}, expected ({B},) for a batch "
                         f"of {B} sources of length {S}")
    if np.any(lengths < 1) or np.any(lengths > S):
        raise ValueError(f"{name} must lie in [1, S={S}] (each source has a real token), "
                         f"got {lengths.tolist()}")
    return padding_mask(lengths, S)  # (B, 1, 1, S)


def encoder_forward(params, config: TransformerConfig, ids, lengths=None, *,
                    names=("src_ids", "src_lengths")):
    """Encode token ids (B, S) into the memory (B, S, d_model).

    Parameters
    ----------
    params : dict
        The encoder's parameters (``init_params(config, kind="encoder")``).
    config : TransformerConfig
        The model's configuration.
    ids : int array of shape (B, S)
        Source token ids.
    lengths : int array of shape (B,), optional
        Real lengths; padding keys are masked.
    names : (str, str)
        The names of ``ids`` and ``lengths`` in error messages.

    Returns
    -------
    memory : ndarray of shape (B, S, d_model)
        The encoder output.
    saved : dict
        From ``stack_forward`` (for a backward pass), plus ``"mask"`` (the padding mask or
        None) and ``"diagnostics"`` (``"attention"``: L arrays (B, h, S, S), ``"residuals"``).
    """
    ids = check_ids(ids, config, name=names[0])
    mask = source_mask(lengths, *ids.shape, name=names[1])  # (B, 1, 1, S) or None
    memory, saved = stack_forward(ids, params, config, causal=False, mask=mask)
    saved.update(mask=mask, diagnostics=stack_diagnostics(saved))
    return memory, saved


class Encoder:
    """Bidirectional transformer encoder: ``Encoder(config, params=None, seed=0)``."""

    def __init__(self, config: TransformerConfig, params=None, seed: int = 0, *,
                 dtype=np.float64):
        self.params = model_params(config, params, seed, kind="encoder", dtype=dtype)
        self.config = config

    def forward(self, ids, lengths=None, return_diagnostics: bool = False):
        """Encode ids (B, S) (real lengths (B,) optional) into (B, S, d_model).

        Padding positions still get outputs (computed from the real tokens only); ignore them.
        """
        memory, saved = encoder_forward(self.params, self.config, ids, lengths,
                                        names=("ids", "lengths"))
        return (memory, saved["diagnostics"]) if return_diagnostics else memory

    __call__ = forward
