"""Saving and loading model parameters as ``.npz``, with the config stored inside.

One ``.npz`` archive (NumPy's zip of ``.npy`` arrays) holds every parameter under its dotted
flat name (``layers.0.attn.W_q``) plus the config as a JSON string under ``__config__`` and the
model kind under ``__kind__``. Loading rebuilds the config first, then checks the arrays
against the names and shapes that config implies, so a file from another model fails with a
message listing what is missing or mis-shaped instead of a KeyError deep inside a forward
pass. Nothing is unpickled (``allow_pickle=False``): loading a file cannot run code.
"""

from __future__ import annotations

import json

import numpy as np

from ._validation import check_choice
from .config import TransformerConfig
from .params import MODEL_KINDS, check_params, flatten_params, parameter_shapes, unflatten_params

__all__ = ["save", "load"]

_CONFIG_KEY = "__config__"
_KIND_KEY = "__kind__"


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
    if not isinstance(config, TransformerConfig):
        raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")
    check_choice(kind, "kind", MODEL_KINDS)
    check_params(params, config, kind)
    arrays = {name: np.asarray(a) for name, a in flatten_params(params).items()}
    arrays[_CONFIG_KEY] = np.array(config.to_json())  # a 0-d unicode array, no pickle needed
    arrays[_KIND_KEY] = np.array(kind)
    np.savez(path, **arrays)


def load(path):
    """Read a file written by ``save``.

    Returns
    -------
    params : dict of arrays, nested as ``init_params(config, kind=kind)``
    config : TransformerConfig

    Raises
    ------
    ValueError
        If the file has no config, or an array is missing, unexpected or mis-shaped
        (the message names each one with its expected shape).
    """
    with np.load(path, allow_pickle=False) as archive:
        names = list(archive.files)
        if _CONFIG_KEY not in names:
            raise ValueError(f"{path} has no {_CONFIG_KEY!r} entry: not a file written by "
                             "pycore.save")
        config = TransformerConfig.from_dict(json.loads(str(archive[_CONFIG_KEY])))
        kind = str(archive[_KIND_KEY]) if _KIND_KEY in names else "decoder"
        flat = {n: archive[n] for n in names if n not in (_CONFIG_KEY, _KIND_KEY)}
    template = parameter_shapes(config, kind)
    expected = flatten_params(template)
    missing = [n for n in expected if n not in flat]
    extra = [n for n in flat if n not in expected]
    wrong = [f"{n} {flat[n].shape} (expected {expected[n]})" for n in expected
             if n in flat and flat[n].shape != tuple(expected[n])]
    if missing or extra or wrong:
        raise ValueError(f"{path} does not match its own {kind} config: missing {missing}, "
                         f"unexpected {extra}, wrong shape {wrong}")
    return unflatten_params(flat, template), config
