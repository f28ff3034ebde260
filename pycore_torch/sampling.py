"""From logits to a next token on tensors: greedy, temperature, top-k, top-p, sampling
(mirrors ``pycore.sampling``).

Top-k (Fan, Lewis and Dauphin 2018, section 5.4) keeps the k largest logits, ties to the lower
id; top-p (Holtzman et al. 2020, eq. 2-3) keeps the smallest set of most likely tokens whose
mass reaches p. ``sample`` draws by inverting the cumulative distribution with one uniform per
row. The uniforms come from a NumPy ``Generator`` (or an int seed), exactly as in pycore, so
the same seed and the same distribution give pycore's tokens; a ``torch.Generator`` is also
accepted when the stream need not match pycore's.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

from ._checks import as_float_tensor, check_positive_float, check_positive_int

__all__ = ["greedy", "apply_temperature", "top_k_filter", "top_p_filter", "sampling_probs",
           "sample_from_probs", "sample"]

_P_TOLERANCE = 1e-12  # as pycore: a mass this close to p counts as reaching it


def _logits(logits) -> torch.Tensor:
    z = as_float_tensor(logits, "logits")
    if z.dim() == 0 or z.shape[-1] == 0:
        raise ValueError(f"logits has shape {tuple(z.shape)}; expected (..., V) with V >= 1")
    if bool(torch.isnan(z).any()) or bool(torch.isposinf(z).any()):
        raise ValueError(f"logits (shape {tuple(z.shape)}) contains NaN or +inf")
    return z


def greedy(logits) -> torch.Tensor:
    """argmax of each row, ties to the lowest id: int64 tensor of shape (...)."""
    return torch.argmax(_logits(logits), dim=-1)


def apply_temperature(logits, temperature: float) -> torch.Tensor:
    """logits / temperature, temperature > 0."""
    return _logits(logits) / check_positive_float(temperature, "temperature")


def top_k_filter(logits, k: int) -> torch.Tensor:
    """Keep the k largest logits of each row (ties: lower id first); the rest become -inf."""
    z = _logits(logits)
    k = check_positive_int(k, "k")
    if k >= z.shape[-1]:
        return z.clone()
    order = torch.sort(z, dim=-1, descending=True, stable=True).indices  # (..., V)
    return z.scatter(-1, order[..., k:], float("-inf"))  # (..., V)


def top_p_filter(logits, p: float) -> torch.Tensor:
    """Nucleus filter: keep tokens while the mass of the better ones is below p (float64)."""
    z = _logits(logits)
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 < float(p) <= 1.0:
        raise ValueError(f"p must be a number in (0, 1], got {p!r}")
    probs = torch.softmax(z.to(torch.float64), dim=-1)  # (..., V)
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True, stable=True)  # (..., V)
    mass_before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs  # (..., V)
    keep_sorted = mass_before < float(p) - _P_TOLERANCE
    keep_sorted[..., 0] = True  # the most likely token always stays
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)  # (..., V)
    return z.masked_fill(~keep, float("-inf"))


def sampling_probs(logits, *, temperature: float = 1.0, top_k=None, top_p=None):
    """Temperature, then top-k, then top-p, then softmax: (..., V), rows sum to 1."""
    z = apply_temperature(logits, temperature)
    if top_k is not None:
        z = top_k_filter(z, top_k)
    if top_p is not None:
        z = top_p_filter(z, top_p)
    return torch.softmax(z, dim=-1)


def _uniforms(shape, rng, device) -> torch.Tensor:
    if isinstance(rng, torch.Generator):
        return torch.rand(shape, generator=rng, dtype=torch.float64).to(device)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        rng = np.random.default_rng(int(rng))
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, a torch.Generator or an int "
                        f"seed, got {rng!r}")
    return torch.from_numpy(rng.random(size=shape)).to(device)


def sample_from_probs(probs, rng) -> torch.Tensor:
    """One token per row: the first i with cdf_i > u * cdf_V, u uniform in [0, 1)."""
    probs = as_float_tensor(probs, "probs")
    cdf = torch.cumsum(probs.to(torch.float64), dim=-1)  # (..., V)
    total = cdf[..., -1:]  # (..., 1)
    u = _uniforms(tuple(probs.shape[:-1]) + (1,), rng, probs.device)  # (..., 1)
    ids = (cdf <= u * total).sum(dim=-1)  # (...,)
    V = probs.shape[-1]
    last_positive = V - 1 - torch.argmax((probs.flip(-1) > 0).to(torch.int8), dim=-1)  # (...,)
    return torch.minimum(ids, last_positive)


def sample(logits, *, temperature: float = 1.0, top_k=None, top_p=None, rng) -> torch.Tensor:
    """Sample one token per row after temperature, top-k and top-p: int64 tensor (...)."""
    probs = sampling_probs(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    return sample_from_probs(probs, rng)
