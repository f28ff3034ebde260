"""Shared input checks for pycore_torch, mirroring ``pycore._validation`` on torch tensors.

The torch path keeps pycore's contract: float64 by default, the input's floating dtype
preserved (float32, float64, and bfloat16 / float16 where an op makes sense), errors that name
the argument and the shapes involved. NumPy arrays and nested lists are accepted and
converted, so a parity test can hand the same array to both libraries.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

__all__ = ["as_float_tensor", "as_int_tensor", "common_dtype", "check_ndim", "check_choice",
           "check_positive_int", "check_positive_float", "check_keys"]


def as_float_tensor(x, name: str, *, dtype=None, device=None) -> torch.Tensor:
    """``x`` as a floating tensor: floats keep their dtype, anything else becomes float64.

    Parameters
    ----------
    x : torch.Tensor, ndarray, number or nested list
    name : str
        The argument's name, used in error messages.
    dtype : torch.dtype, optional
        Force this floating dtype.
    device : torch.device or str, optional
        Move the result there (default: where ``x`` already is, else the CPU).
    """
    if not isinstance(x, torch.Tensor):
        try:
            arr = np.asarray(x)
        except Exception as exc:  # ragged lists, for example
            raise TypeError(f"{name} could not be converted to a tensor: {exc}") from exc
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
        x = torch.from_numpy(np.ascontiguousarray(arr))
    if x.is_complex():
        raise TypeError(f"{name} must be real, got dtype {x.dtype} with shape {tuple(x.shape)}")
    if dtype is None:
        dtype = x.dtype if x.is_floating_point() else torch.float64
    return x.to(dtype=dtype, device=device if device is not None else x.device)


def as_int_tensor(x, name: str, *, device=None) -> torch.Tensor:
    """``x`` as an int64 tensor (token ids, lengths, positions); floats are rejected."""
    if not isinstance(x, torch.Tensor):
        arr = np.asarray(x)
        if arr.dtype.kind not in "iu":
            raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
        x = torch.from_numpy(np.ascontiguousarray(arr))
    elif x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
        raise TypeError(f"{name} must hold integers, got dtype {x.dtype}")
    return x.to(dtype=torch.int64, device=device if device is not None else x.device)


def common_dtype(*tensors) -> torch.dtype:
    """The floating dtype of a computation on ``tensors`` (``None`` entries ignored).

    As in pycore: all float32 -> float32; here also all bfloat16 -> bfloat16 (and so on);
    any mix promotes as torch does (float32 with float64 gives float64).
    """
    dtypes = [t.dtype for t in tensors if isinstance(t, torch.Tensor) and t.is_floating_point()]
    if not dtypes:
        return torch.float64
    out = dtypes[0]
    for d in dtypes[1:]:
        out = torch.promote_types(out, d)
    return out


def check_ndim(x: torch.Tensor, name: str, *, ndim: int = None, min_ndim: int = None,
               expected: str = "") -> None:
    """Raise ValueError if ``x`` has the wrong number of dimensions."""
    if (ndim is not None and x.dim() != ndim) or (min_ndim is not None and x.dim() < min_ndim):
        want = f"{ndim}" if ndim is not None else f"at least {min_ndim}"
        raise ValueError(f"{name} has shape {tuple(x.shape)} ({x.dim()} dims), expected {want} "
                         f"dims {expected}".rstrip())


def check_choice(value, name: str, options) -> str:
    """Raise ValueError unless ``value`` is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}")
    return value


def check_positive_int(value, name: str) -> int:
    """``value`` as an int >= 1, or TypeError/ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


def check_positive_float(value, name: str) -> float:
    """``value`` as a finite float > 0, or TypeError/ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not (value > 0 and np.isfinite(value)):
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def check_keys(params, name: str, names) -> None:
    """Raise ValueError naming missing or unexpected keys of the dict ``params``."""
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict, got {type(params).__name__}")
    missing = [n for n in names if n not in params]
    extra = [n for n in params if n not in names]
    if missing or extra:
        raise ValueError(f"{name} has missing keys {missing} and unexpected keys {extra}; "
                         f"expected exactly {list(names)}")
