"""Diagnostics: attention entropy, residual-stream norms and a debugging checklist.

- ``attention_entropy``: H = -sum_j a_ij log a_ij per query row, in nats. 0 means the query
  looks at one key; log(n) means it spreads evenly over n keys. Low-entropy heads are the
  sharp, specialised ones (Clark et al. 2019, "What Does BERT Look At?", section 3.3).
- ``residual_norms``: the L2 norm of the residual stream after each layer. With pre-LN it
  grows with depth; with post-LN it is reset by every LayerNorm (Xiong et al. 2020, "On
  Layer Normalization in the Transformer Architecture", section 3). The stream is the
  shared bus every layer reads from and writes to (Elhage et al. 2021, "A Mathematical
  Framework for Transformer Circuits").
- Checks for the debugging checklist of chapter 09, each returning a ``CheckResult``:
  output shapes, causality (changing a future token must not change earlier logits),
  cache consistency (incremental logits equal full-sequence logits) and attention-weight
  sanity (rows are distributions; no weight on future keys).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import (
    as_float_array,
    as_generator,
    check_axis,
    check_finite_result,
    check_model,
    check_positive_int,
    check_real,
    check_size,
)

__all__ = [
    "CheckResult",
    "attention_entropy",
    "residual_norms",
    "check_attention_weights",
    "check_shapes",
    "check_causal",
    "check_cache",
    "debug_checklist",
]


class CheckResult(NamedTuple):
    """Outcome of one diagnostic check: its name, pass/fail, the measured value, an explanation."""

    name: str
    passed: bool
    value: float
    detail: str


def attention_entropy(weights, axis: int = -1) -> np.ndarray:
    """Entropy (nats) of each attention distribution, with 0 log 0 taken as 0.

    Parameters
    ----------
    weights : array_like of shape (..., T_q, T_k)
        Attention weights (e.g. (B, h, T, T)); non-negative, each row summing to 1.
    axis : int
        The key axis the weights sum over (default: the last).

    Returns
    -------
    ndarray of shape ``weights.shape`` without ``axis`` (e.g. (B, h, T)), same float dtype.
    """
    a = as_float_array(weights, "weights")
    if a.ndim == 0:
        raise ValueError("weights is a scalar; expected attention weights of shape (..., T_q, T_k)")
    axis = check_axis(axis, a.ndim)
    if np.any(a < 0):
        raise ValueError(f"weights (shape {a.shape}) has negative entries; expected softmax output")
    sums = np.sum(a, axis=axis)  # (...,)
    tol = 1e-4 if a.dtype == np.float32 else 1e-8
    if np.any(np.abs(sums - 1) > tol):
        worst = float(np.max(np.abs(sums - 1)))
        raise ValueError(f"weights (shape {a.shape}) rows do not sum to 1 along axis {axis} "
                         f"(largest deviation {worst:.3g})")
    safe = np.where(a > 0, a, 1.0)  # log(1) = 0 makes the 0 log 0 terms vanish
    return -np.sum(a * np.log(safe), axis=axis)  # (...,)


def residual_norms(residuals, *, per_token: bool = False) -> np.ndarray:
    """L2 norm of the residual stream at each snapshot (e.g. the input and after each layer).

    Parameters
    ----------
    residuals : sequence of arrays of shape (B, T, d_model), or array (L + 1, B, T, d_model)
        Residual-stream snapshots in depth order, as returned by
        ``model.forward(ids, return_diagnostics=True)``.
    per_token : bool
        If True return every token's norm; otherwise the mean over batch and positions.

    Returns
    -------
    ndarray of shape (L + 1,) (mean norms), or (L + 1, B, T) if ``per_token``.
    """
    if not isinstance(residuals, (np.ndarray, list, tuple)):
        raise TypeError(f"residuals must be a list of (B, T, d_model) arrays or one array, got "
                        f"{type(residuals).__name__}")
    if isinstance(residuals, np.ndarray):
        stream = as_float_array(residuals, "residuals")
    else:
        snaps = [as_float_array(r, f"residuals[{i}]") for i, r in enumerate(residuals)]
        if not snaps:
            raise ValueError("residuals is empty; expected at least one (B, T, d_model) snapshot")
        shapes = {s.shape for s in snaps}
        if len(shapes) != 1:
            raise ValueError(f"residuals: the snapshots have different shapes {sorted(shapes)}")
        stream = np.stack(snaps)  # (L + 1, B, T, d_model)
    if stream.ndim != 4:
        raise ValueError(f"residuals has shape {stream.shape}; expected snapshots of shape "
                         "(B, T, d_model), stacked to (L + 1, B, T, d_model)")
    with np.errstate(over="ignore"):
        norms = np.linalg.norm(stream, axis=-1)  # (L + 1, B, T)
    if not np.all(np.isfinite(norms)):  # squares overflowed: factor out each row's size first
        e = np.frexp(np.max(np.abs(stream), axis=-1, keepdims=True))[1]  # max|row| < 2^e
        norms = np.ldexp(np.linalg.norm(np.ldexp(stream, -e), axis=-1), e[..., 0])
        check_finite_result(norms, "the residual norms", "residuals are")
    return norms if per_token else norms.mean(axis=(1, 2))  # (L + 1,)


def check_attention_weights(weights, *, causal: bool = True, atol: float = 1e-8) -> CheckResult:
    """Attention weights must be distributions over keys, with no weight on future keys.

    Parameters
    ----------
    weights : array_like of shape (..., T, S)
        One layer's weights, e.g. (B, h, T, T). With ``causal``, query i may use keys
        j <= i + (S - T) (the convention of ``pycore.causal_mask``).
    causal : bool
        Also require zero weight above the causal diagonal.
    atol : float
        Tolerance for row sums and for future weights.
    """
    a = as_float_array(weights, "weights")
    if a.ndim < 2:
        raise ValueError(f"weights has shape {a.shape}; expected (..., T, S)")
    atol = check_real(atol, "atol")
    if not isinstance(causal, (bool, np.bool_)):
        raise TypeError(f"causal must be True or False, got {causal!r}")
    T, S = a.shape[-2:]
    with np.errstate(over="ignore"):
        row_error = float(np.max(np.abs(a.sum(axis=-1) - 1.0))) if a.size else 0.0
    if not np.isfinite(row_error):
        raise ValueError(f"weights (shape {a.shape}) has rows summing beyond the float range: "
                         "these are not attention weights")
    future = 0.0
    if causal:
        allowed = np.tril(np.ones((T, S), dtype=bool), k=S - T)  # (T, S)
        future = float(np.max(np.abs(a[..., ~allowed]))) if a[..., ~allowed].size else 0.0
    negative = float(min(0.0, np.min(a))) if a.size else 0.0
    passed = row_error <= atol and future <= atol and negative >= -atol
    detail = (f"max |row sum - 1| = {row_error:.2e}, max weight on a future key = {future:.2e}, "
              f"most negative weight = {negative:.2e}")
    return CheckResult("attention weights", passed, max(row_error, future, -negative), detail)


def _random_ids(model, batch_size: int, T, seed: int):
    check_model(model)
    T = min(8, model.config.max_len) if T is None else check_positive_int(T, "T")
    check_size((batch_size, T), "the random ids (batch_size, T)")
    if T > model.config.max_len:
        raise ValueError(f"T={T} exceeds the model's max_len {model.config.max_len}")
    rng = as_generator(seed, "seed")
    return rng.integers(0, model.config.vocab_size, size=(batch_size, T))  # (B, T)


def check_shapes(model, *, batch_size: int = 2, T=None, seed: int = 0) -> CheckResult:
    """Logits must have shape (B, T, V) and be finite for random token ids."""
    batch_size = check_positive_int(batch_size, "batch_size")
    ids = _random_ids(model, batch_size, T, seed)  # (B, T)
    logits = np.asarray(model.forward(ids))
    expected = ids.shape + (model.config.vocab_size,)
    finite = bool(np.all(np.isfinite(logits)))
    passed = logits.shape == expected and finite
    detail = f"logits shape {logits.shape}, expected {expected}; all finite: {finite}"
    return CheckResult("output shape", passed, float(logits.shape == expected), detail)


def check_causal(model, *, T=None, seed: int = 0, atol: float = 1e-10) -> CheckResult:
    """Changing the token at position t must leave the logits at positions < t unchanged.

    Every position t = 1 .. T-1 is tried in turn (a token is replaced by another id), and
    the largest change of any earlier logit is reported.
    """
    ids = _random_ids(model, 1, T, seed)  # (1, T)
    atol = check_real(atol, "atol")
    V = model.config.vocab_size
    base = np.asarray(model.forward(ids))  # (1, T, V)
    worst, worst_t = 0.0, -1
    for t in range(1, ids.shape[1]):
        changed = ids.copy()
        changed[0, t] = (changed[0, t] + 1) % V  # any different token will do
        logits = np.asarray(model.forward(changed))  # (1, T, V)
        change = float(np.max(np.abs(logits[:, :t] - base[:, :t])))
        if change > worst:
            worst, worst_t = change, t
    passed = worst <= atol
    detail = (f"largest change of an earlier logit = {worst:.2e}"
              + (f" (when editing position {worst_t})" if worst_t >= 0 else ""))
    return CheckResult("causality", passed, worst, detail)


def check_cache(model, *, T=None, seed: int = 0, atol: float = 1e-10) -> CheckResult:
    """Feeding tokens one at a time through a KV cache must give the full-sequence logits."""
    ids = _random_ids(model, 1, T, seed)  # (1, T)
    atol = check_real(atol, "atol")
    full = np.asarray(model.forward(ids))  # (1, T, V)
    cache = model.new_cache(batch_size=1)
    steps = [np.asarray(model.forward(ids[:, t:t + 1], cache=cache)) for t in range(ids.shape[1])]
    incremental = np.concatenate(steps, axis=1)  # (1, T, V)
    diff = float(np.max(np.abs(incremental - full)))
    passed = diff <= atol and cache.length == ids.shape[1]
    detail = f"max |cached - full| = {diff:.2e}; cache length {cache.length} for T = {ids.shape[1]}"
    return CheckResult("KV cache", passed, diff, detail)


def debug_checklist(model, *, T=None, seed: int = 0, atol: float = 1e-10) -> list:
    """Run every model check (shapes, causality, cache, attention weights) and return results.

    The attention-weight check needs ``model.forward(ids, return_diagnostics=True)``; it is
    skipped for models without it.
    """
    atol = check_real(atol, "atol")
    results = [check_shapes(model, T=T, seed=seed),
               check_causal(model, T=T, seed=seed, atol=atol),
               check_cache(model, T=T, seed=seed, atol=atol)]
    weights = _attention_weights(model, _random_ids(model, 1, T, seed))
    for layer, w in enumerate(weights):
        check = check_attention_weights(w, causal=True, atol=max(atol, 1e-8))
        results.append(check._replace(name=f"attention weights, layer {layer}"))
    return results


def _attention_weights(model, ids) -> list:
    """Per-layer attention weights from a diagnostics forward pass ([] if unavailable)."""
    try:
        _, diagnostics = model.forward(ids, return_diagnostics=True)
    except TypeError:
        return []
    if isinstance(diagnostics, dict):
        for key in ("attention", "attention_weights", "weights"):
            if key in diagnostics:
                return list(diagnostics[key])
    return []
