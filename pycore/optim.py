"""AdamW, a cosine learning-rate schedule with linear warm-up, and gradient clipping.

AdamW (Loshchilov and Hutter 2019, "Decoupled Weight Decay Regularization", algorithm 2),
with PyTorch's ``torch.optim.AdamW`` semantics, for each parameter p with gradient g at step t:

    p <- p - lr * weight_decay * p          (decay applied to p directly, not added to g)
    m <- beta1 m + (1 - beta1) g            (first moment)
    v <- beta2 v + (1 - beta2) g^2          (second moment)
    p <- p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)   (bias-corrected)

Adam's bias correction (Kingma and Ba 2015, section 3) undoes the pull of m and v towards
their zero initial values in the first steps. The cosine schedule (Loshchilov and Hutter
2017, "SGDR", eq. 5) with a linear warm-up (Goyal et al. 2017) is the one GPT-style training
uses.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import (
    as_float_array,
    check_finite,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
    check_real,
)
from .params import flatten_params

__all__ = ["AdamW", "cosine_schedule", "clip_grad_norm", "global_norm"]


def _flatten(tree, name: str) -> dict:
    """``flatten_params(tree)`` with errors that name the argument."""
    if not isinstance(tree, (dict, list)):
        raise TypeError(f"{name} must be a (nested) dict of arrays, got {type(tree).__name__}")
    try:
        return flatten_params(tree)
    except ValueError as exc:
        raise ValueError(f"{name} is not nested like a params dict: {exc}") from exc


class AdamW:
    """AdamW optimiser updating a (nested) dict of arrays in place.

    Parameters
    ----------
    params : dict of arrays (nested as from ``init_params``)
        Updated in place by ``step``; float arrays.
    lr : float > 0
        Learning rate (PyTorch default 1e-3); ``step(grads, lr=...)`` overrides it per step.
    betas : (float, float) in [0, 1)
    eps : float > 0
    weight_decay : float >= 0
        Decoupled decay (PyTorch default 0.01). Applied to every parameter, as PyTorch does
        for a single parameter group; pass ``no_decay`` to exempt some.
    no_decay : callable(name) -> bool, optional
        Flat names (``"layers.0.attn.b_q"``) for which weight decay is skipped, e.g.
        ``lambda name: name.endswith(("b_q", "gamma"))`` as nanoGPT does for biases and norms.
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.01, no_decay=None):
        self.params = _flatten(params, "params")  # name -> the caller's arrays (updated in place)
        for name, p in self.params.items():
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise TypeError(f"params[{name!r}] must be a float NumPy array, got "
                                f"{type(p).__name__}")
            check_finite(p, f"params[{name!r}]")
        self.lr = check_positive_float(lr, "lr")
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        b1, b2 = (check_real(b, "betas") for b in betas)
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise ValueError(f"betas must lie in [0, 1), got {betas}")
        self.betas = (b1, b2)
        self.eps = check_positive_float(eps, "eps")
        self.weight_decay = check_real(weight_decay, "weight_decay")
        if self.weight_decay < 0:
            raise ValueError(f"weight_decay must be a finite number >= 0, got {weight_decay}")
        if no_decay is not None and not callable(no_decay):
            raise TypeError(f"no_decay must be a function of a parameter name, or None; got "
                            f"{type(no_decay).__name__}")
        self.no_decay = no_decay
        self.t = 0  # steps taken
        self.m = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.v = {name: np.zeros_like(p) for name, p in self.params.items()}

    def step(self, grads, lr: float | None = None) -> None:
        """One update with ``grads`` (nested like the params, same names and shapes)."""
        lr = self.lr if lr is None else check_positive_float(lr, "lr")
        flat = _flatten(grads, "grads")
        missing = sorted(set(self.params) - set(flat))
        extra = sorted(set(flat) - set(self.params))
        if missing or extra:
            raise ValueError(f"grads do not match the parameters: missing {missing}, "
                             f"unexpected {extra}")
        checked = {}  # every gradient is checked before any parameter changes
        for name, p in self.params.items():
            g = as_float_array(flat[name], f"grads[{name!r}]")  # NaN or inf raise here
            if g.shape != p.shape:
                raise ValueError(f"grads[{name!r}] has shape {g.shape}, expected {p.shape}")
            checked[name] = g
        self.t += 1
        b1, b2 = self.betas
        bias1 = 1.0 - b1 ** self.t  # bias corrections (Kingma and Ba 2015, algorithm 1)
        bias2 = 1.0 - b2 ** self.t
        for name, p in self.params.items():
            g = checked[name]
            if self.weight_decay and not (self.no_decay and self.no_decay(name)):
                p *= 1.0 - lr * self.weight_decay  # decoupled decay: shrink p itself
            m, v = self.m[name], self.v[name]
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * g * g
            denom = np.sqrt(v) / math.sqrt(bias2) + self.eps  # sqrt(v_hat) + eps
            p -= (lr / bias1) * m / denom  # in place: the caller's arrays change


def cosine_schedule(step: int, *, max_lr: float, total_steps: int, warmup_steps: int = 0,
                    min_lr: float = 0.0) -> float:
    """Learning rate at ``step`` (0-based): linear warm-up, then cosine decay to ``min_lr``.

    lr = max_lr (step + 1) / warmup_steps             for step < warmup_steps,
    lr = min_lr + (max_lr - min_lr) (1 + cos(pi r)) / 2, r = (step - warmup) / (total - warmup),
    lr = min_lr                                       for step >= total_steps.
    """
    step = check_nonnegative_int(step, "step")
    max_lr = check_positive_float(max_lr, "max_lr")
    total_steps = check_positive_int(total_steps, "total_steps")
    warmup_steps = check_nonnegative_int(warmup_steps, "warmup_steps")
    if warmup_steps > total_steps:
        raise ValueError(f"warmup_steps={warmup_steps} exceeds total_steps={total_steps}")
    min_lr = check_real(min_lr, "min_lr")
    if not 0 <= min_lr <= max_lr:
        raise ValueError(f"min_lr must lie in [0, max_lr={max_lr}], got {min_lr}")
    if step < warmup_steps:
        return max_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return float(min_lr)
    ratio = (step - warmup_steps) / max(1, total_steps - warmup_steps)  # 0 -> 1
    return min_lr + 0.5 * (max_lr - min_lr) * (1.0 + math.cos(math.pi * ratio))


def _gradient_arrays(grads) -> dict:
    """The flat ``{name: array}`` of ``grads``, each a finite float NumPy array."""
    if not isinstance(grads, (dict, list)):
        raise TypeError(f"grads must be a (nested) dict of arrays, got {type(grads).__name__}")
    flat = _flatten(grads, "grads")
    for name, g in flat.items():
        if not isinstance(g, np.ndarray) or g.dtype.kind != "f":
            raise TypeError(f"grads[{name!r}] must be a float NumPy array, got "
                            f"{type(g).__name__} {getattr(g, 'dtype', '')}")
        if not np.all(np.isfinite(g)):
            raise ValueError(f"grads[{name!r}] (shape {g.shape}) contains NaN or inf: the "
                             "gradient norm is undefined")
    return flat


def global_norm(grads) -> float:
    """sqrt(sum of squares) over every gradient array (nested dict).

    Raises ValueError if a gradient holds NaN or inf, or the norm exceeds the float range.
    """
    flat = _gradient_arrays(grads)
    with np.errstate(over="ignore"):
        norm = math.sqrt(sum(float(np.sum(np.square(g))) for g in flat.values()))
    if math.isinf(norm):  # the squares overflowed: scale by the largest entry first (exact)
        largest = max(float(np.max(np.abs(g))) for g in flat.values() if g.size)
        e = int(np.frexp(largest)[1])
        norm = math.sqrt(sum(float(np.sum(np.square(np.ldexp(g.astype(np.float64), -e))))
                             for g in flat.values()))
        norm = math.ldexp(norm, e) if norm * 2.0 ** (e - 1024) < 1 else math.inf
    if math.isinf(norm):
        raise ValueError("the global norm of grads exceeds the float range")
    return norm


def clip_grad_norm(grads, max_norm: float) -> float:
    """Scale ``grads`` in place so their global norm is at most ``max_norm``.

    Returns the norm before clipping (as ``torch.nn.utils.clip_grad_norm_``, Pascanu et al.
    2013).

    Raises ValueError (changing nothing) if a gradient holds NaN or inf: clipping cannot
    repair it, and PyTorch would silently spread the NaN into every parameter.
    """
    max_norm = check_positive_float(max_norm, "max_norm")
    norm = global_norm(grads)
    if norm > max_norm:
        scale = max_norm / (norm + 1e-6)  # PyTorch's epsilon
        for g in flatten_params(grads).values():
            g *= scale
    return norm
