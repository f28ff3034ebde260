"""A training loop for DecoderLM, written as a generator so a page can plot the loss live.

Each step: sample a batch of windows from the token stream, targets = the same windows
shifted by one token (next-token prediction, Radford et al. 2018, eq. 1), compute the loss and
its gradients (``loss_and_grads``), optionally clip the global gradient norm, set the
learning rate from the warm-up + cosine schedule and take one AdamW step. The loop then
``yield``s a dict describing the step, so the caller decides when to stop, what to print and
how to draw it: ``for info in train(...): print(info["step"], info["loss"])``.
"""

from __future__ import annotations

import time

import numpy as np

from ._validation import (
    as_generator,
    as_int_array,
    check_finite,
    check_ndim,
    check_positive_float,
    check_positive_int,
    check_real,
    check_size,
)
from .backprop import loss_and_grads
from .decoder import DecoderLM
from .optim import AdamW, clip_grad_norm, cosine_schedule, global_norm

__all__ = ["get_batch", "train"]


def get_batch(data, batch_size: int, seq_len: int, rng):
    """Random windows of a token stream and their next-token targets.

    Parameters
    ----------
    data : int array of shape (N,)
        The token stream; N must exceed ``seq_len``.
    batch_size, seq_len : int
        B and T.
    rng : numpy.random.Generator or int
        Source of the window starts (an int is used as a seed, as elsewhere in pycore).

    Returns
    -------
    ids : int64 array of shape (B, T)
    targets : int64 array of shape (B, T), ``targets[b, t] = data[start_b + t + 1]``.
    """
    data = as_int_array(data, "data")
    check_ndim(data, "data", ndim=1, expected="(N,)")
    batch_size = check_positive_int(batch_size, "batch_size")
    seq_len = check_positive_int(seq_len, "seq_len")
    if data.shape[0] <= seq_len:
        raise ValueError(f"data has {data.shape[0]} tokens; need more than seq_len={seq_len}")
    check_size((batch_size, seq_len), "the batch (batch_size, seq_len)")
    rng = as_generator(rng)
    starts = rng.integers(0, data.shape[0] - seq_len, size=batch_size)  # (B,)
    offsets = np.arange(seq_len)  # (T,)
    ids = data[starts[:, None] + offsets]  # (B, T)
    targets = data[starts[:, None] + offsets + 1]  # (B, T)
    return ids, targets


def train(model: DecoderLM, data, *, steps: int, batch_size: int = 8,
          seq_len: int | None = None, lr: float = 3e-3, min_lr: float | None = None,
          warmup_steps: int | None = None,
          weight_decay: float = 0.01, grad_clip: float = 1.0, seed: int = 0):
    """Train ``model`` in place on a token stream, yielding one dict per step.

    Parameters
    ----------
    model : DecoderLM
        Its ``params`` arrays are updated in place.
    data : int array of shape (N,)
    steps : int
        Number of optimisation steps (the generator stops after them).
    batch_size : int
    seq_len : int, optional
        Window length T (default ``model.config.max_len``, capped at N - 1).
    lr : float
        Peak learning rate.
    min_lr : float, optional
        Final learning rate of the cosine decay (default lr / 10).
    warmup_steps : int, optional
        Linear warm-up steps (default steps // 10).
    weight_decay : float
        AdamW's decoupled weight decay.
    grad_clip : float > 0 or None
        Clip the global gradient norm to this value (None or 0: no clipping).
    seed : int or numpy.random.Generator
        Seeds the batch sampler.

    Yields
    ------
    dict with ``step`` (1-based), ``loss`` (float, before this step's update), ``lr``,
    ``grad_norm`` (before clipping), ``tokens`` (seen so far) and ``seconds`` (elapsed).
    """
    if not isinstance(model, DecoderLM):
        raise TypeError(f"model must be a DecoderLM, got {type(model).__name__}")
    steps = check_positive_int(steps, "steps", max_value=10 ** 9)
    data = as_int_array(data, "data")
    check_ndim(data, "data", ndim=1, expected="(N,)")
    if seq_len is None:
        seq_len = min(model.config.max_len, max(1, data.shape[0] - 1))
    seq_len = check_positive_int(seq_len, "seq_len")
    if seq_len > model.config.max_len:
        raise ValueError(f"seq_len={seq_len} exceeds the model's max_len={model.config.max_len}")
    if data.size and (data.min() < 0 or data.max() >= model.config.vocab_size):
        raise ValueError(f"data holds ids from {data.min()} to {data.max()}, outside the "
                         f"model's vocabulary [0, {model.config.vocab_size})")
    lr = check_positive_float(lr, "lr")
    warmup_steps = steps // 10 if warmup_steps is None else warmup_steps
    min_lr = lr / 10 if min_lr is None else check_real(min_lr, "min_lr")
    grad_clip = check_positive_float(grad_clip, "grad_clip") if grad_clip else None
    optimizer = AdamW(model.params, lr=lr, weight_decay=weight_decay)
    cosine_schedule(0, max_lr=lr, total_steps=steps, warmup_steps=warmup_steps, min_lr=min_lr)
    rng = as_generator(seed, "seed")
    get_batch(data, batch_size, seq_len, np.random.default_rng(0))  # validate now, not lazily
    # The checks above run at the call; the loop below runs as the caller iterates.
    return _steps(model, data, optimizer, steps, batch_size, seq_len, lr, min_lr, warmup_steps,
                  grad_clip, rng)


def _steps(model, data, optimizer, steps, batch_size, seq_len, lr, min_lr, warmup_steps,
           grad_clip, rng):
    start, tokens = time.perf_counter(), 0
    for step in range(steps):
        ids, targets = get_batch(data, batch_size, seq_len, rng)  # (B, T) each
        step_lr = cosine_schedule(step, max_lr=lr, total_steps=steps,
                                  warmup_steps=warmup_steps, min_lr=min_lr)
        try:  # the inputs were checked by train(): an overflow here means divergence
            loss, grads = loss_and_grads(model, ids, targets)
            norm = clip_grad_norm(grads, grad_clip) if grad_clip else global_norm(grads)
            optimizer.step(grads, lr=step_lr)
            for name, p in optimizer.params.items():
                check_finite(p, f"params[{name!r}]")
        except ValueError as exc:
            raise ValueError(f"training diverged at step {step + 1} (lr={lr}, this step's "
                             f"lr={step_lr:.3g}); lower lr or enable grad_clip: {exc}") from exc
        tokens += ids.size
        yield {"step": step + 1, "loss": loss, "lr": step_lr, "grad_norm": norm,
               "tokens": tokens, "seconds": time.perf_counter() - start}
