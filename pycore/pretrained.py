"""The small pretrained models that ship with the monograph, loaded by name.

The weights (``.npz`` files written by ``pycore.save``) and tokenizer descriptions (JSON) live
in ``pycore/data/`` so they travel inside ``python.zip`` to the browser. They are read with
``pkgutil.get_data``, which works both for a package on disk and for one imported from a zip
archive (Pyodide), so pages and tests load the same bytes. The training scripts that produced
them are ``models/train_lm.py`` (see ``models/README.md`` for corpus, licence and metrics).

Shipped names:

- ``"lm_tiny"``: character-level decoder-only LM (pre-LN, RoPE, 2 layers, d_model 64) trained
  with pycore's own backward pass and AdamW on the monograph's prose.
- ``"lm_draft"``: a 1-layer, d_model 32 model on the same tokenizer, the draft model for
  speculative decoding.
"""

from __future__ import annotations

import io
import json
import pkgutil

from .decoder import DecoderLM
from .serialization import load
from .tokenizers import CharTokenizer

__all__ = ["PRETRAINED", "load_pretrained"]

# name -> (weights file, tokenizer file), both under pycore/data/
PRETRAINED = {
    "lm_tiny": ("lm_tiny.npz", "char_tokenizer.json"),
    "lm_draft": ("lm_draft.npz", "char_tokenizer.json"),
}


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


def load_pretrained(name: str):
    """A shipped model and its tokenizer.

    Parameters
    ----------
    name : {"lm_tiny", "lm_draft"}

    Returns
    -------
    model : DecoderLM
        Parameters as stored (float32).
    tokenizer : CharTokenizer
        ``tokenizer.vocab_size == model.config.vocab_size``.
    """
    if name not in PRETRAINED:
        raise ValueError(f"unknown pretrained model {name!r}; choose one of {sorted(PRETRAINED)}")
    weights, tok_file = PRETRAINED[name]
    params, config = load(io.BytesIO(_read(weights)))
    tokenizer = _tokenizer(tok_file)
    if tokenizer.vocab_size != config.vocab_size:
        raise ValueError(f"{tok_file} has {tokenizer.vocab_size} tokens but {weights} expects "
                         f"vocab_size={config.vocab_size}")
    return DecoderLM(config, params=params), tokenizer
