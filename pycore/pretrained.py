"""The small pretrained models that ship with the monograph, loaded by name.

The weights (``.npz`` files written by ``pycore.save``) and tokenizer descriptions (JSON) live
in ``pycore/data/``. They are read with ``pkgutil.get_data``, which works both for a package on
disk and for one imported from a zip archive, so pages and tests load the same bytes. The
training scripts that produced them are ``models/train_lm.py`` (see ``models/README.md`` for
corpus, licence and metrics).

In the browser ``pycore/data/`` is not inside the Python archive (it would add 1.2 MB to every
page's first download): the worker calls :func:`fetch_missing_data` once, and a data file is
fetched the first time anything reads it (``load_pretrained``, ``pycore.dates``, a demo's own
``pkgutil.get_data``), then read from disk like any other.

Shipped names:

- ``"lm_tiny"``: character-level decoder-only LM (pre-LN, RoPE, 2 layers, d_model 64) trained
  with pycore's own backward pass and AdamW on the monograph's prose.
- ``"lm_draft"``: a 1-layer, d_model 32 model on the same tokenizer, the draft model for
  speculative decoding.
- ``"dates_seq2seq"`` (``load_pretrained_seq2seq``): the encoder-decoder of chapter 10, which
  rewrites dates as ISO 8601 (``pycore.dates``; trained by ``models/train_seq2seq.py``).
"""

from __future__ import annotations

import io
import json
import pkgutil

import numpy as np

from .decoder import DecoderLM
from .seq2seq import Seq2Seq
from .serialization import load
from .tokenizers import CharTokenizer

__all__ = ["PRETRAINED", "PRETRAINED_SEQ2SEQ", "fetch_missing_data", "load_pretrained",
           "load_pretrained_seq2seq"]

# name -> (weights file, tokenizer file), both under pycore/data/
PRETRAINED = {
    "lm_tiny": ("lm_tiny.npz", "char_tokenizer.json"),
    "lm_draft": ("lm_draft.npz", "char_tokenizer.json"),
}
PRETRAINED_SEQ2SEQ = {"dates_seq2seq": ("dates_seq2seq.npz", "dates_tokenizer.json")}


class _FetchingLoader:
    """pycore's own loader, except that ``get_data`` of a missing file first calls ``fetch``."""

    def __init__(self, loader, fetch):
        self._loader = loader
        self._fetch = fetch

    def get_data(self, path):
        try:
            return self._loader.get_data(path)
        except FileNotFoundError:
            self._fetch(path)  # writes the file where path says, if the site has it
            return self._loader.get_data(path)

    def __getattr__(self, name):
        return getattr(self._loader, name)


def fetch_missing_data(fetch):
    """Make ``pkgutil.get_data("pycore", ...)`` call ``fetch(path)`` for a file not on disk.

    Parameters
    ----------
    fetch : callable
        ``fetch(path)`` with ``path`` the absolute file name (str) that was missing; it
        writes the file there if it can (the browser worker fetches it from the site).
    """
    import pycore

    spec = pycore.__spec__
    if isinstance(spec.loader, _FetchingLoader):
        spec.loader._fetch = fetch
        return
    if not callable(fetch):
        raise TypeError(f"fetch must be callable, got {type(fetch).__name__}")
    spec.loader = _FetchingLoader(spec.loader, fetch)
    pycore.__loader__ = spec.loader


def _read(filename: str) -> bytes:
    data = pkgutil.get_data("pycore", "data/" + filename)
    if data is None:
        raise FileNotFoundError(f"pycore/data/{filename} could not be read: the package "
                                "loader does not provide data files")
    return data


def _tokenizer(filename: str) -> CharTokenizer:
    spec = json.loads(_read(filename).decode("utf-8"))
    if spec.get("kind") != "char":
        raise ValueError(f"{filename} describes a {spec.get('kind')!r} tokenizer; expected 'char'")
    # CharTokenizer's vocabulary is sorted(set(text)), so the joined character list rebuilds it.
    return CharTokenizer("".join(spec["chars"]), byte_fallback=bool(spec["byte_fallback"]))


def _as_dtype(params, dtype):
    """The nested params dict with every array cast to ``dtype``."""
    if isinstance(params, dict):
        return {key: _as_dtype(value, dtype) for key, value in params.items()}
    if isinstance(params, list):
        return [_as_dtype(value, dtype) for value in params]
    return np.asarray(params, dtype=dtype)


def _load(table: dict, name, dtype, what: str):
    """(params in ``dtype``, config, tokenizer) of ``table[name]``, checked against each other."""
    if not isinstance(name, str) or name not in table:
        raise ValueError(f"unknown pretrained {what} {name!r}: name must be one of "
                         f"{sorted(table)}")
    if dtype not in ("float64", "float32"):
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    weights, tok_file = table[name]
    params, config = load(io.BytesIO(_read(weights)))
    tokenizer = _tokenizer(tok_file)
    if tokenizer.vocab_size != config.vocab_size:
        raise ValueError(f"{tok_file} has {tokenizer.vocab_size} tokens but {weights} expects "
                         f"vocab_size={config.vocab_size}")
    return _as_dtype(params, dtype), config, tokenizer


def load_pretrained(name: str, dtype="float64"):
    """A shipped decoder-only model and its tokenizer.

    Parameters
    ----------
    name : {"lm_tiny", "lm_draft"}
        Which model.
    dtype : {"float64", "float32"}
        The weights are stored in float32 (half the download). By default they are widened
        to float64, pycore's default precision: float32 sums are rounded differently by
        different NumPy builds (the browser's 1.17 against 2.x here, about 1e-7 apart),
        while float64 results agree to ~1e-15, so the page and the tests compute the same
        numbers. Pass "float32" to run at the stored precision.

    Returns
    -------
    model : DecoderLM
        Parameters in ``dtype``.
    tokenizer : CharTokenizer
        ``tokenizer.vocab_size == model.config.vocab_size``.
    """
    params, config, tokenizer = _load(PRETRAINED, name, dtype, "model")
    return DecoderLM(config, params=params), tokenizer


def load_pretrained_seq2seq(name: str = "dates_seq2seq", dtype="float64"):
    """The shipped encoder-decoder and its tokenizer.

    Parameters
    ----------
    name : {"dates_seq2seq"}
        Which model.
    dtype : {"float64", "float32"}
        As for :func:`load_pretrained` (float64 by default, so page and CPython agree).

    Returns
    -------
    model : Seq2Seq
        Parameters in ``dtype``.
    tokenizer : CharTokenizer
        ``tokenizer.vocab_size == model.config.vocab_size``.
    """
    params, config, tokenizer = _load(PRETRAINED_SEQ2SEQ, name, dtype, "seq2seq model")
    return Seq2Seq(config, params=params), tokenizer
