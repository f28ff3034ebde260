"""Autoregressive generation with or without a KV cache (mirrors ``pycore.generation``).

Without a cache every step re-runs the whole sequence (N new tokens cost O(N^2) positions);
with one each step feeds only the newest token (Pope et al. 2022, section 2). Both paths draw
one uniform per step from the same stream, so with a fixed seed they give the same tokens,
and with a NumPy seed the tokens are pycore's whenever the logits agree.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

from ._checks import as_int_tensor
from .sampling import greedy as argmax_token
from .sampling import sample

__all__ = ["generate"]


@torch.no_grad()
def generate(model, prompt_ids, max_new_tokens: int, *, temperature: float = 1.0,
             top_k=None, top_p=None, greedy: bool = False, use_cache: bool = True,
             seed=0, fused: bool = False) -> torch.Tensor:
    """Generate ``max_new_tokens`` tokens after ``prompt_ids`` with a ``pycore_torch.DecoderLM``.

    Parameters
    ----------
    model : pycore_torch.DecoderLM
    prompt_ids : int tensor or array of shape (T,) or (B, T)
    max_new_tokens : int >= 0
        T + N must not exceed ``model.config.max_len``.
    temperature, top_k, top_p : sampling settings (ignored when ``greedy``)
    greedy : bool
    use_cache : bool
        One token per step through a KV cache, or the whole sequence every step.
    seed : int, numpy.random.Generator or torch.Generator
    fused : bool
        Fused attention kernel inside the model.

    Returns
    -------
    ids : int64 tensor of shape (T + N,) or (B, T + N), on the model's device.
    """
    device = model.tokens.device
    ids = as_int_tensor(prompt_ids, "prompt_ids", device=device)
    if ids.dim() not in (1, 2) or ids.shape[-1] == 0:
        raise ValueError(f"prompt_ids has shape {tuple(ids.shape)}; expected (T,) or (B, T)")
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, numbers.Integral) \
            or max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be an int >= 0, got {max_new_tokens!r}")
    total = ids.shape[-1] + max_new_tokens
    if total > model.config.max_len:
        raise ValueError(f"prompt length {ids.shape[-1]} + max_new_tokens {max_new_tokens} = "
                         f"{total} exceeds max_len {model.config.max_len}")
    was_1d = ids.dim() == 1
    ids = ids.reshape(-1, ids.shape[-1])  # (B, T)
    rng = np.random.default_rng(int(seed)) if isinstance(seed, numbers.Integral) else seed
    cache = model.new_cache(batch_size=ids.shape[0]) if use_cache else None
    out = torch.empty((ids.shape[0], total), dtype=torch.int64, device=device)  # (B, T + N)
    out[:, :ids.shape[1]] = ids
    length = ids.shape[1]
    new_ids = ids  # tokens the model has not seen yet: the whole prompt, at first
    for _ in range(max_new_tokens):
        if use_cache:
            logits = model(new_ids, cache=cache, fused=fused)  # (B, T_new, V)
        else:
            logits = model(out[:, :length], fused=fused)  # (B, T_so_far, V)
        last = logits[:, -1, :]  # (B, V)
        if greedy:
            next_id = argmax_token(last)  # (B,)
        else:
            next_id = sample(last, temperature=temperature, top_k=top_k, top_p=top_p, rng=rng)
        out[:, length] = next_id
        new_ids = out[:, length:length + 1]  # (B, 1)
        length += 1
    return out[0] if was_1d else out
