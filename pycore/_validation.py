"""Shared input checks for pycore, producing errors a reader can act on.

Every public pycore function validates its inputs through these helpers so that a mistake
(a wrong rank, mismatched shapes, a NaN, a negative length, an unknown option) fails at the
call that made it, with a message naming the argument and the shapes involved, instead of
surfacing later as a broadcasting error or a silent NaN.

dtype rule (used throughout pycore): float64 is the default; float32 inputs are preserved
(float32 in -> float32 out). Integers, booleans-as-numbers and other float widths are
converted to float64. Complex, string and object arrays are rejected with TypeError.

Size rule: one call never allocates more than ``MAX_ELEMENTS`` array entries nor loops over
more than ``MAX_ITEMS`` Python objects (layers, heads); a larger request fails at once with a
ValueError instead of hanging the page or exhausting its memory.
"""

from __future__ import annotations

import inspect
import numbers
from typing import Any, Iterable, Sequence

import numpy as np

#: The most entries one array created by a pycore call may have: 2^27 (1 GiB in float64).
MAX_ELEMENTS = 2 ** 27
#: The most Python-level items (layers, heads, cached layers) one call may create.
MAX_ITEMS = 100_000

__all__ = [
    "MAX_ELEMENTS",
    "MAX_ITEMS",
    "as_array",
    "as_float_array",
    "as_generator",
    "check_saved",
    "check_finite_gradients",
    "check_finite_result",
    "check_int",
    "check_model",
    "check_real",
    "check_shape",
    "check_size",
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


def as_array(x: Any, name: str) -> np.ndarray:
    """``np.asarray(x)``, with a TypeError naming ``name`` if ``x`` is not array-like."""
    try:
        return np.asarray(x)
    except Exception as exc:  # ragged lists, for example
        raise TypeError(f"{name} could not be converted to an array: {exc}") from None


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
    arr = as_array(x, name)
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
    arr = as_array(x, name)
    if arr.dtype.kind in "iu" or (arr.dtype.kind == "f" and np.all(np.isfinite(arr))
                                  and np.all(arr == np.round(arr))):
        # Whole-valued floats (e.g. from np.array([0., 3.])) are accepted; 2.5 is not an id.
        if arr.size and (arr.max() > np.iinfo(np.int64).max or arr.min() < -2 ** 63):
            raise ValueError(f"{name} (shape {arr.shape}) holds values beyond the int64 range")
        return arr.astype(np.int64, copy=False)
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


def check_int(n: Any, name: str, *, min_value: int | None = None,
              max_value: int | None = None) -> int:
    """Return ``int(n)`` if it is an integer (not a bool) within the given bounds."""
    if not _is_int(n):
        raise TypeError(f"{name} must be an integer, got {n!r} ({type(n).__name__})")
    if min_value is not None and n < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {n}")
    if max_value is not None and n > max_value:
        raise ValueError(f"{name}={n} is too large: at most {max_value:,} is supported")
    return int(n)


def check_positive_int(n: Any, name: str, max_value: int | None = None) -> int:
    """Return ``int(n)`` if it is an integer >= 1 (and <= ``max_value``), else raise."""
    if not _is_int(n):
        raise TypeError(f"{name} must be an integer, got {n!r} ({type(n).__name__})")
    if n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n}")
    return check_int(n, name, max_value=max_value)


def check_nonnegative_int(n: Any, name: str, max_value: int | None = None) -> int:
    """Return ``int(n)`` if it is an integer >= 0 (and <= ``max_value``), else raise."""
    if not _is_int(n):
        raise TypeError(f"{name} must be an integer, got {n!r} ({type(n).__name__})")
    if n < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {n}")
    return check_int(n, name, max_value=max_value)


def check_real(x: Any, name: str) -> float:
    """Return ``float(x)`` if it is a finite real number (not a bool), else raise."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {x!r} ({type(x).__name__})")
    x = _as_float(x, name)
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    return x


def _as_float(x: Any, name: str) -> float:
    try:
        return float(x)
    except OverflowError:  # an int beyond 1.8e308
        raise ValueError(f"{name} must be a finite number, got an integer of "
                         f"{len(str(abs(int(x))))} digits") from None


def check_size(shape: Sequence[int], name: str) -> tuple:
    """Raise ValueError if an array of ``shape`` would exceed ``MAX_ELEMENTS`` entries.

    Call it before allocating, with Python ints, so the product itself cannot overflow.
    """
    count = 1
    for n in shape:
        count *= int(n)
    if count > MAX_ELEMENTS:
        raise ValueError(f"{name} would have shape {tuple(int(n) for n in shape)} "
                         f"({count:,} entries); pycore allocates at most {MAX_ELEMENTS:,} "
                         "entries in one call")
    return tuple(int(n) for n in shape)


def check_shape(arr: np.ndarray, name: str, spec: str, **sizes: int):
    """Check ``arr.shape`` against ``spec`` and return its named sizes, in one line.

    ``spec`` names the dims, optionally after ``...`` for any leading (batch) dims::

        B, T, d_model = check_shape(x, "x", "(B, T, d_model)")
        T_k, d_k = check_shape(k, "k", "(..., T_k, d_k)", d_k=d_k)  # d_k must equal q's

    A size given as a keyword must match. Returns the sizes as a tuple, or a single int
    when ``spec`` names one dim. Raises ValueError naming ``name`` and both shapes.
    """
    names = [n.strip() for n in spec.strip("() ").split(",") if n.strip()]
    leading = bool(names) and names[0] == "..."
    names = names[1:] if leading else names
    expected = "(" + ", ".join((["..."] if leading else [])
                              + [str(sizes.get(n, n)) for n in names]) + ")"
    if (arr.ndim < len(names)) if leading else (arr.ndim != len(names)):
        raise ValueError(f"{name} has shape {tuple(arr.shape)} ({arr.ndim} dims), expected "
                         f"{'at least ' if leading else ''}{len(names)} dims {expected}")
    dims = tuple(int(n) for n in arr.shape[arr.ndim - len(names):])
    if any(dims[i] != sizes[n] for i, n in enumerate(names) if n in sizes):
        raise ValueError(f"{name} has shape {tuple(arr.shape)}, expected {expected}")
    return dims[0] if len(dims) == 1 else dims


def check_finite_result(out: np.ndarray, what: str, cause: str) -> np.ndarray:
    """Raise ValueError if ``out`` (computed from finite inputs) overflowed to inf or NaN.

    ``what`` names the result and ``cause`` the arguments whose size made it overflow, so
    that the message tells the reader what to rescale.
    """
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{what} overflowed float{8 * out.dtype.itemsize} (inf or NaN) although "
                         f"every input is finite: {cause} too large in magnitude")
    return out


def check_model(model: Any, name: str = "model") -> Any:
    """Raise TypeError unless ``model`` has what decoding needs (the interface of DecoderLM).

    That is ``model.config.vocab_size``, ``model.config.max_len``, ``model.forward`` and
    ``model.new_cache``. A params dict is the usual mistake, and the message says what to do.
    """
    config = getattr(model, "config", None)
    if not (all(isinstance(getattr(config, a, None), int) for a in ("vocab_size", "max_len"))
            and callable(getattr(model, "forward", None))
            and callable(getattr(model, "new_cache", None))
            and _required_arguments(model.forward) == 1):
        hint = (" (a params dict: wrap it as pycore.DecoderLM(config, params))"
                if isinstance(model, dict) else "")
        raise TypeError(f"{name} must be a DecoderLM, or an object with .config.vocab_size, "
                        f".config.max_len, .forward and .new_cache; got "
                        f"{type(model).__name__}{hint}")
    return model


def _required_arguments(function) -> int:
    """How many positional arguments ``function`` requires (-1 if it cannot be inspected)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return -1
    return sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in parameters)


def check_finite_gradients(grads: Any, cause: str, name: str = "grads") -> Any:
    """``check_finite_result`` for every array of a nested dict/list/tuple of gradients."""
    if grads is None:  # e.g. no dmemory without cross-attention
        return grads
    if isinstance(grads, dict):
        items = grads.items()
    elif isinstance(grads, (list, tuple)):
        items = enumerate(grads)
    else:
        check_finite_result(np.asarray(grads), name, cause)
        return grads
    for key, g in items:
        check_finite_gradients(g, cause, f"{name}[{key!r}]")
    return grads


def as_generator(rng: Any, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` if it is a ``numpy.random.Generator``, or a new one seeded by an int."""
    if isinstance(rng, np.random.Generator):
        return rng
    if _is_int(rng):
        if rng < 0:
            raise ValueError(f"{name} must be a non-negative int seed, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name} must be a numpy.random.Generator or an int seed, got {rng!r} "
                    f"({type(rng).__name__}); pycore uses no global random state")


def check_saved(saved: Any, name: str, spec: dict, produced_by: str) -> None:
    """Check that ``saved`` is what a forward pass saved for its backward pass.

    That is a dict with ``spec``'s keys and types: ``spec`` maps each key to a type (or tuple
    of types), or to a nested spec for a nested dict. A backward pass given anything else
    fails here, naming the argument, the key and the function whose output it should be,
    rather than with a KeyError deep inside.
    """
    if not isinstance(saved, dict):
        raise TypeError(f"{name} must be the dict returned by {produced_by}, got "
                        f"{type(saved).__name__}")
    for key, kind in spec.items():
        where = f"{name}[{key!r}]"
        if key not in saved:
            raise ValueError(f"{name} has no {key!r} entry: pass the dict returned by "
                             f"{produced_by}")
        if isinstance(kind, dict):
            check_saved(saved[key], where, kind, produced_by)
        elif not isinstance(saved[key], kind):
            raise TypeError(f"{where} is a {type(saved[key]).__name__}; the dict returned by "
                            f"{produced_by} holds a {_type_names(kind)} there")


def _type_names(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join("None" if k is type(None) else k.__name__ for k in kinds)


def check_positive_float(x: Any, name: str) -> float:
    """Return ``float(x)`` if it is a finite real number > 0, else raise TypeError/ValueError."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {x!r} ({type(x).__name__})")
    x = _as_float(x, name)
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
        raise ValueError(f"{name} has keys {sorted(params, key=str)}; expected exactly {required} "
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
