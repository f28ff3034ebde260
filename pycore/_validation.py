"""Shared input checks for pycore, producing errors a reader can act on.

Every public pycore function validates its inputs through these helpers so that a mistake
(a wrong rank, mismatched shapes, a NaN, a negative length, an unknown option) fails at the
call that made it, with a message naming the argument and the shapes involved, instead of
surfacing later as a broadcasting error or a silent NaN.

dtype rule (used throughout pycore): float64 is the default; float32 inputs are preserved
(float32 in -> float32 out). Integers, booleans-as-numbers and other float widths are
converted to float64. Complex, string and object arrays are rejected with TypeError.
"""

from __future__ import annotations

import numbers
from typing import Any, Iterable, Sequence

import numpy as np

__all__ = [
    "as_float_array",
    "as_int_array",
    "check_choice",
    "check_finite",
    "check_ndim",
    "check_positive_int",
    "check_nonnegative_int",
    "check_positive_float",
    "check_same_shape",
    "check_axis",
    "check_keys",
    "broadcast_shapes",
    "unbroadcast",
    "result_dtype",
]


def result_dtype(*arrays: Any) -> type:
    """The output dtype for a computation on ``arrays``: float32 only if every array is float32.

    ``None`` entries are ignored. Mixing float32 with float64 gives float64 (NumPy's rule).
    """
    dtypes = [np.asarray(a).dtype for a in arrays if a is not None]
    if dtypes and all(d == np.float32 for d in dtypes):
        return np.float32
    return np.float64


def as_float_array(x: Any, name: str, *, dtype: type | None = None,
                   allow_nonfinite: bool = False) -> np.ndarray:
    """Convert ``x`` to a floating array, keeping float32 and defaulting to float64.

    Parameters
    ----------
    x : array_like
        The input. Numbers and nested lists are accepted.
    name : str
        The argument's name, used in error messages.
    dtype : numpy dtype, optional
        Force this dtype (float32 or float64) instead of applying the default rule.
    allow_nonfinite : bool
        If False (the default), NaN or infinity in ``x`` raises ValueError.

    Returns
    -------
    ndarray of dtype float32 (if ``x`` is float32 or ``dtype`` says so) or float64.
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists, for example
        raise TypeError(f"{name} could not be converted to an array: {exc}") from exc
    kind = arr.dtype.kind
    if kind not in "biuf":
        raise TypeError(
            f"{name} must be a real numeric array, got dtype {arr.dtype} with shape {arr.shape}"
        )
    if dtype is None:
        dtype = np.float32 if arr.dtype == np.float32 else np.float64
    arr = arr.astype(dtype, copy=False)
    if not allow_nonfinite:
        check_finite(arr, name)
    return arr


def as_int_array(x: Any, name: str) -> np.ndarray:
    """Convert ``x`` to an int64 array; floats with a fractional part or booleans are rejected."""
    arr = np.asarray(x)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    # Whole-valued floats (e.g. from np.array([0., 3.])) are accepted; 2.5 is not an id.
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        return arr.astype(np.int64)
    raise TypeError(
        f"{name} must be an integer array, got dtype {arr.dtype} with shape {arr.shape}"
    )


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ValueError if ``arr`` holds NaN or +-infinity, saying how many and where first."""
    finite = np.isfinite(arr)
    if not np.all(finite):
        bad = np.argwhere(~finite)
        first = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{name} (shape {arr.shape}) contains {len(bad)} non-finite value(s) "
            f"(NaN or inf), first at index {first}"
        )


def check_ndim(arr: np.ndarray, name: str, *, min_ndim: int = 0, ndim: int | None = None,
               expected: str = "") -> None:
    """Raise ValueError unless ``arr.ndim`` equals ``ndim`` or is at least ``min_ndim``.

    ``expected`` is a human description such as ``"(..., T, d)"`` shown in the message.
    """
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{name} has shape {arr.shape} ({arr.ndim} dims), expected {ndim} dims "
            f"{expected}".rstrip()
        )
    if arr.ndim < min_ndim:
        raise ValueError(
            f"{name} has shape {arr.shape} ({arr.ndim} dims), expected at least {min_ndim} dims "
            f"{expected}".rstrip()
        )


def check_same_shape(a: np.ndarray, a_name: str, b: np.ndarray, b_name: str) -> None:
    """Raise ValueError unless ``a`` and ``b`` have identical shapes."""
    if a.shape != b.shape:
        raise ValueError(f"{a_name} has shape {a.shape} but {b_name} has shape {b.shape}; "
                         "they must match")


def _is_int(n: Any) -> bool:
    return isinstance(n, numbers.Integral) and not isinstance(n, bool)


def check_positive_int(n: Any, name: str) -> int:
    """Return ``int(n)`` if it is an integer >= 1, else raise TypeError/ValueError."""
    if not _is_int(n):
        raise TypeError(f"{name} must be an integer, got {n!r} ({type(n).__name__})")
    if n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n}")
    return int(n)


def check_nonnegative_int(n: Any, name: str) -> int:
    """Return ``int(n)`` if it is an integer >= 0, else raise TypeError/ValueError."""
    if not _is_int(n):
        raise TypeError(f"{name} must be an integer, got {n!r} ({type(n).__name__})")
    if n < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {n}")
    return int(n)


def check_positive_float(x: Any, name: str) -> float:
    """Return ``float(x)`` if it is a finite real number > 0, else raise TypeError/ValueError."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {x!r} ({type(x).__name__})")
    x = float(x)
    if not np.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be a finite positive number, got {x}")
    return x


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """Raise ValueError unless ``value`` is one of ``choices`` (listing them in the message)."""
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value


def check_axis(axis: Any, ndim: int, name: str = "axis") -> int:
    """Normalise ``axis`` for an array of ``ndim`` dims; raise ValueError if out of range."""
    if not _is_int(axis):
        raise TypeError(f"{name} must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis} is out of range for an array with {ndim} dims")
    return int(axis) % ndim


def check_keys(params: Any, name: str, required: Iterable[str]) -> None:
    """Raise TypeError/ValueError unless ``params`` is a dict with exactly ``required`` keys."""
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict of arrays, got {type(params).__name__}")
    required = list(required)
    missing = [k for k in required if k not in params]
    extra = [k for k in params if k not in required]
    if missing or extra:
        raise ValueError(f"{name} has keys {sorted(params)}; expected exactly {required} "
                         f"(missing {missing}, unexpected {extra})")


def broadcast_shapes(*named_shapes) -> tuple:
    """NumPy broadcasting of shapes given as (name, shape) pairs; ValueError names them all.

    (``np.broadcast_shapes`` needs NumPy >= 1.20; the browser has 1.17.)
    """
    ndim = max(len(s) for _, s in named_shapes)
    out = []
    for axis in range(-ndim, 0):
        sizes = {s[axis] for _, s in named_shapes if len(s) >= -axis and s[axis] != 1}
        if len(sizes) > 1:
            desc = ", ".join(f"{n} {tuple(s)}" for n, s in named_shapes)
            raise ValueError(f"shapes do not broadcast together: {desc} (axis {axis})")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, to get ``shape`` back.

    This is the backward pass of NumPy broadcasting: an input used along a broadcast axis
    receives the sum of the gradients from every copy.
    """
    shape = tuple(shape)
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad.reshape(shape)
