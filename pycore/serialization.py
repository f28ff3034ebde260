"""Saving and loading model parameters as ``.npz``, with the config stored inside.

One ``.npz`` archive (NumPy's zip of ``.npy`` arrays) holds every parameter under its dotted
flat name (``layers.0.attn.W_q``) plus the config as a JSON string under ``__config__`` and the
model kind under ``__kind__``. Loading rebuilds the config first, then checks the arrays
against the names and shapes that config implies, so a file from another model fails with a
message listing what is missing or mis-shaped instead of a KeyError deep inside a forward
pass. Nothing is unpickled (``allow_pickle=False``): loading a file cannot run code. Names,
shapes and dtypes are read from each entry's header before any array data, so a crafted
archive that would expand to gigabytes is rejected before it is expanded.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
import zlib

import numpy as np

from ._validation import MAX_ELEMENTS, check_choice, check_finite
from .config import TransformerConfig
from .params import (
    MAX_LAYERS,
    MODEL_KINDS,
    check_params,
    count_parameters,
    flatten_params,
    parameter_shapes,
    unflatten_params,
)

__all__ = ["save", "load"]

_CONFIG_KEY = "__config__"
_KIND_KEY = "__kind__"
_MAX_TEXT_CHARS = 100_000  # longest config JSON or kind string a file may hold


def save(path, params, config: TransformerConfig, *, kind: str = "decoder") -> None:
    """Write ``params`` and ``config`` to ``path`` (a ``.npz`` file).

    Parameters
    ----------
    path : str or path-like
        NumPy appends ``.npz`` if the name lacks it.
    params : dict of arrays, nested as ``init_params(config, kind=kind)``
    config : TransformerConfig
    kind : {"decoder", "encoder", "seq2seq"}

    Raises
    ------
    ValueError
        If ``params`` do not match ``config`` (checked before anything is written).
    """
    _check_path(path, "write")
    if not isinstance(config, TransformerConfig):
        raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")
    check_choice(kind, "kind", MODEL_KINDS)
    check_params(params, config, kind)
    for name, array in flatten_params(params).items():
        array = np.asarray(array)
        if array.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise TypeError(f"params[{name!r}] has dtype {array.dtype}; expected float32 or "
                            "float64")
        check_finite(array, f"params[{name!r}]")
    arrays = {name: np.asarray(a) for name, a in flatten_params(params).items()}
    arrays[_CONFIG_KEY] = np.array(config.to_json())  # a 0-d unicode array, no pickle needed
    arrays[_KIND_KEY] = np.array(kind)
    np.savez(path, **arrays)


def load(path):
    """Read a file written by ``save``, checking it before trusting it.

    Every entry's name, shape and dtype are read from the archive's headers and checked
    against the config stored in the file before any array is read, so a crafted or corrupt
    file is rejected without expanding its contents.

    Parameters
    ----------
    path : str, path-like, or binary file object

    Returns
    -------
    params : dict of arrays, nested as ``init_params(config, kind=kind)``
    config : TransformerConfig

    Raises
    ------
    ValueError
        If the file is not a readable ``.npz`` archive, has no valid config, or an array is
        missing, unexpected, mis-shaped or holds NaN or inf (the message names each one).
    TypeError
        If ``path`` is not a path or file, or an array is not float32/float64.
    FileNotFoundError
        If there is no file at ``path``.
    """
    where = f"path {path!r}"
    _check_path(path, "read")
    try:
        with zipfile.ZipFile(path) as archive:
            headers = {name: _header(archive, name, where) for name in archive.namelist()}
            config, kind = _config(archive, headers, where)
            expected = flatten_params(parameter_shapes(config, kind))
            flat = _parameters(archive, headers, expected, kind, where)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError,
            zlib.error, struct.error) as exc:
        raise ValueError(f"{where} is not a readable .npz archive: {exc}") from exc
    return unflatten_params(flat, parameter_shapes(config, kind)), config


def _check_path(path, mode: str) -> None:
    """A file name or a binary file object (an int would be taken for a file descriptor)."""
    if isinstance(path, (str, os.PathLike)):
        return
    if not (hasattr(path, mode) and hasattr(path, "seek")) or isinstance(path, io.TextIOBase):
        raise TypeError(f"path must be a file name or a binary file object, got "
                        f"{type(path).__name__}")


def _header(archive, member: str, where: str):
    """(shape, dtype) of an ``.npy`` member, read from its header only."""
    if not member.endswith(".npy"):
        raise ValueError(f"{where} holds {member!r}, which is not an .npy array")
    with archive.open(member) as f:
        try:
            version = np.lib.format.read_magic(f)
            read = {(1, 0): np.lib.format.read_array_header_1_0,
                    (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read is None:
                raise ValueError(f"unsupported .npy format version {version}")
            shape, _, dtype = read(f)
        except ValueError as exc:
            raise ValueError(f"{where}: entry {member!r} has no valid .npy header: {exc}") from exc
    return tuple(shape), dtype


def _read(archive, member: str, where: str):
    with archive.open(member) as f:
        try:
            return np.lib.format.read_array(f, allow_pickle=False)
        except ValueError as exc:  # e.g. fewer bytes than the header promises
            raise ValueError(f"{where}: entry {member!r} is corrupt: {exc}") from exc


def _text(archive, headers, key: str, where: str) -> str:
    """A short string entry such as the config's JSON."""
    shape, dtype = headers[key + ".npy"]
    if shape != () or dtype.kind != "U" or dtype.itemsize > 4 * _MAX_TEXT_CHARS:
        raise ValueError(f"{where}: {key!r} must be a string of at most {_MAX_TEXT_CHARS:,} "
                         f"characters, got dtype {dtype} with shape {shape}")
    return str(_read(archive, key + ".npy", where))


def _config(archive, headers, where: str):
    """The config and model kind stored in the archive, validated."""
    if _CONFIG_KEY + ".npy" not in headers:
        raise ValueError(f"{where} has no {_CONFIG_KEY!r} entry: not a file written by "
                         "pycore.save")
    try:
        fields = json.loads(_text(archive, headers, _CONFIG_KEY, where))
        config = TransformerConfig.from_dict(fields)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: {_CONFIG_KEY!r} is not valid JSON ({exc})") from exc
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where} holds an invalid config: {exc}") from exc
    kind = "decoder"
    if _KIND_KEY + ".npy" in headers:
        kind = check_choice(_text(archive, headers, _KIND_KEY, where), f"{where}: kind",
                            MODEL_KINDS)
    count = count_parameters(config, kind)
    if count > MAX_ELEMENTS or config.n_layers > MAX_LAYERS:
        raise ValueError(f"{where} describes a {kind} of {count:,} parameters in "
                         f"{config.n_layers:,} layers; pycore loads at most {MAX_ELEMENTS:,}")
    return config, kind


def _parameters(archive, headers, expected, kind: str, where: str) -> dict:
    """Check every parameter entry's name, shape and dtype, then read them all."""
    names = [n[:-4] for n in headers if n[:-4] not in (_CONFIG_KEY, _KIND_KEY)]
    missing = [n for n in expected if n not in names]
    extra = [n for n in names if n not in expected]
    wrong = [f"{n} {headers[n + '.npy'][0]} (expected {tuple(expected[n])})" for n in expected
             if n in names and headers[n + ".npy"][0] != tuple(expected[n])]
    if missing or extra or wrong:
        raise ValueError(f"{where} does not match its own {kind} config: missing {missing}, "
                         f"unexpected {extra}, wrong shape {wrong}")
    for n in expected:
        dtype = headers[n + ".npy"][1]
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise TypeError(f"{where}: parameter {n!r} has dtype {dtype}; expected float32 or "
                            "float64")
    flat = {n: _read(archive, n + ".npy", where) for n in expected}
    for n, array in flat.items():
        check_finite(array, f"{where}: parameter {n!r}")
    return flat
