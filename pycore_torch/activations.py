"""ReLU, GELU (exact and tanh forms), SiLU and sigmoid on tensors (mirrors ``pycore.activations``).

GELU: x Phi(x) (Hendrycks and Gimpel 2016); ``approximate="tanh"`` is pycore's default (GPT-2's
form), ``"none"`` the exact erf form (PyTorch's default). SiLU: x sigmoid(x), SwiGLU's gate
(Shazeer 2020). Each is torch's own kernel, which autograd differentiates.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ._checks import as_float_tensor, check_choice

__all__ = ["relu", "gelu", "silu", "sigmoid"]


def relu(x) -> torch.Tensor:
    """max(0, x), elementwise; same shape and dtype as ``x``."""
    return torch.relu(as_float_tensor(x, "x"))


def gelu(x, approximate: str = "tanh") -> torch.Tensor:
    """GELU with ``approximate`` in {"tanh" (pycore's default), "none"}; same shape and dtype."""
    check_choice(approximate, "approximate", ("tanh", "none"))
    return F.gelu(as_float_tensor(x, "x"), approximate=approximate)


def silu(x) -> torch.Tensor:
    """x * sigmoid(x), elementwise; same shape and dtype as ``x``."""
    return F.silu(as_float_tensor(x, "x"))


def sigmoid(x) -> torch.Tensor:
    """1 / (1 + exp(-x)), elementwise; same shape and dtype as ``x``."""
    return torch.sigmoid(as_float_tensor(x, "x"))
