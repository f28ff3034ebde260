"""LayerNorm and RMSNorm over the last dim (mirrors ``pycore.norms``).

LayerNorm (Ba, Kiros and Hinton 2016): (x - mean) / sqrt(biased var + eps) * gamma + beta,
eps 1e-5. RMSNorm (Zhang and Sennrich 2019): x / sqrt(mean(x^2) + eps) * weight, eps 1e-6
(pycore's and Llama's default). RMSNorm is written out rather than calling
``torch.nn.functional.rms_norm`` so that it reads like the equation and runs on every dtype.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ._checks import as_float_tensor, check_ndim, check_positive_float, common_dtype

__all__ = ["layer_norm", "rms_norm"]


def _prepare(x, params):
    dtype = common_dtype(x if isinstance(x, torch.Tensor) else None,
                         *[p for p in params.values() if isinstance(p, torch.Tensor)])
    x = as_float_tensor(x, "x", dtype=dtype)
    check_ndim(x, "x", min_ndim=1, expected="(..., d)")
    d = x.shape[-1]
    out = {}
    for name, p in params.items():
        if p is None:
            out[name] = None
            continue
        p = as_float_tensor(p, name, dtype=x.dtype, device=x.device)
        if tuple(p.shape) != (d,):
            raise ValueError(f"{name} has shape {tuple(p.shape)}, expected ({d},) to match x "
                             f"{tuple(x.shape)}")
        out[name] = p
    return x, out


def layer_norm(x, gamma=None, beta=None, eps: float = 1e-5) -> torch.Tensor:
    """LayerNorm over the last dim.

    Parameters
    ----------
    x : tensor of shape (..., d)
    gamma, beta : tensors of shape (d,), optional (default: no scale, no shift)
    eps : float > 0

    Returns
    -------
    tensor of shape (..., d).
    """
    eps = check_positive_float(eps, "eps")
    x, p = _prepare(x, {"gamma": gamma, "beta": beta})
    return F.layer_norm(x, (x.shape[-1],), p["gamma"], p["beta"], eps)


def rms_norm(x, weight=None, eps: float = 1e-6) -> torch.Tensor:
    """RMSNorm over the last dim.

    Parameters
    ----------
    x : tensor of shape (..., d)
    weight : tensor of shape (d,), optional
    eps : float > 0

    Returns
    -------
    tensor of shape (..., d).
    """
    eps = check_positive_float(eps, "eps")
    x, p = _prepare(x, {"weight": weight})
    inv_rms = torch.rsqrt(torch.mean(x * x, dim=-1, keepdim=True) + eps)  # (..., 1)
    y = x * inv_rms  # (..., d)
    return y * p["weight"] if p["weight"] is not None else y
