"""The shipped encoder-decoder: date normalisation ("24 Nov 2026" -> "2026-11-24").

A toy transduction task with a non-monotonic alignment, in the spirit of the date-format
exercise used to introduce attention-based translation (Bahdanau, Cho and Bengio 2015 align
source and target words; the task itself is a standard teaching example). The output puts the
year first, so the decoder's cross-attention must jump to the end of "24 Nov 2026", then back
to the month, then to the day: the alignment matrix is visibly not diagonal.

Source formats (``FORMATS``), for 24 November 2026::

    "24 Nov 2026"   "November 24, 2026"   "24/11/2026"   "2026 Nov 24"

Target: ISO 8601 ``"2026-11-24"``. Dates are drawn uniformly between 1950-01-01 and
2049-12-31 (so every month length and leap day occurs). The vocabulary is character-level with
three extra symbols: ``^`` starts the decoder input, ``$`` ends the target, ``_`` pads.

``make_dates`` generates (source, target) pairs from a seed; ``models/train_seq2seq.py``
trains on the "train" split and the tests measure exact-match accuracy on the "heldout" split,
a tenth of the calendar days that training never sees.
``load_pretrained_seq2seq("dates_seq2seq")`` loads the shipped weights and
``translate`` greedy-decodes a batch of strings with the encoder run once and the decoder run
once per output token (with a KV cache).
"""

from __future__ import annotations

import datetime
import io
import json
import pkgutil

import numpy as np

from .encoder import Seq2Seq
from .pretrained import _as_dtype
from .serialization import load
from .tokenizers import CharTokenizer

__all__ = ["FORMATS", "BOS", "EOS", "PAD", "make_dates", "date_tokenizer", "encode_batch",
           "translate", "load_pretrained_seq2seq", "PRETRAINED_SEQ2SEQ"]

BOS, EOS, PAD = "^", "$", "_"  # start of decoder input, end of target, padding
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
FORMATS = ("{d} {mon} {y}", "{month} {d}, {y}", "{dd}/{mm}/{y}", "{y} {mon} {d}")
_FIRST = datetime.date(1950, 1, 1).toordinal()
_LAST = datetime.date(2049, 12, 31).toordinal()

# name -> (weights file, tokenizer file), both under pycore/data/
PRETRAINED_SEQ2SEQ = {"dates_seq2seq": ("dates_seq2seq.npz", "dates_tokenizer.json")}


def format_date(date: datetime.date, fmt: str) -> str:
    """``date`` written in one of ``FORMATS`` (English month names, no locale involved)."""
    month = MONTHS[date.month - 1]
    return fmt.format(d=date.day, dd=f"{date.day:02d}", mm=f"{date.month:02d}", y=date.year,
                      mon=month[:3], month=month)


def make_dates(n: int, seed: int, split: str = "train"):
    """``n`` (source, target) string pairs, formats and dates drawn uniformly from ``seed``.

    Parameters
    ----------
    n : int
    seed : int
    split : {"train", "heldout"}
        Every tenth calendar day (proleptic ordinal = 3 mod 10) belongs to "heldout" only, so
        held-out dates never occur in training in any format.

    Returns
    -------
    pairs : list of (str, str), e.g. ("November 24, 2026", "2026-11-24").
    """
    if split not in ("train", "heldout"):
        raise ValueError(f"split must be 'train' or 'heldout', got {split!r}")
    rng = np.random.default_rng(seed)
    ordinals = np.arange(_FIRST, _LAST + 1)  # every day in the range
    heldout = ordinals % 10 == 3
    pool = ordinals[heldout] if split == "heldout" else ordinals[~heldout]
    days = pool[rng.integers(0, len(pool), size=n)]  # (n,) proleptic ordinals
    formats = rng.integers(0, len(FORMATS), size=n)  # (n,)
    pairs = []
    for day, k in zip(days, formats):
        date = datetime.date.fromordinal(int(day))
        pairs.append((format_date(date, FORMATS[k]), date.isoformat()))
    return pairs


def date_tokenizer() -> CharTokenizer:
    """The character vocabulary of every source and target, plus ``^ $ _`` (no byte tokens)."""
    text = "".join(MONTHS) + "0123456789 ,/-" + BOS + EOS + PAD
    return CharTokenizer(text, byte_fallback=False)


def encode_batch(tokenizer: CharTokenizer, texts):
    """Pad-encode strings: (ids (B, S) int64, lengths (B,) int64), padded with ``PAD``."""
    rows = [tokenizer.encode(t) for t in texts]
    S = max(len(r) for r in rows)
    pad = tokenizer.encode(PAD)[0]
    ids = np.full((len(rows), S), pad, dtype=np.int64)  # (B, S)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = r
    return ids, np.array([len(r) for r in rows], dtype=np.int64)


def translate(model: Seq2Seq, tokenizer: CharTokenizer, texts, max_new_tokens: int = 12,
              return_cross_attention: bool = False):
    """Greedy-decode a batch of source strings.

    The encoder runs once; the decoder runs once per generated token, reusing its self- and
    cross-attention caches. Decoding stops when every row has produced ``EOS`` (or after
    ``max_new_tokens``).

    Returns
    -------
    outputs : list of str (without ``^`` and ``$``)
    cross_attention : list over steps of L arrays (B, h, 1, S), if ``return_cross_attention``.
    """
    src, lengths = encode_batch(tokenizer, texts)  # (B, S), (B,)
    B = src.shape[0]
    memory = model.encode(src, lengths)  # (B, S, d_model), computed once
    cache = model.new_cache(B)
    bos, eos = tokenizer.encode(BOS)[0], tokenizer.encode(EOS)[0]
    step_ids = np.full((B, 1), bos, dtype=np.int64)  # (B, 1)
    out, done, attention = [[] for _ in range(B)], np.zeros(B, dtype=bool), []
    for _ in range(max_new_tokens):
        logits, diag = model.decode(step_ids, memory, cache=cache, src_lengths=lengths,
                                    return_diagnostics=True)  # (B, 1, V)
        attention.append(diag["cross_attention"])
        step_ids = np.argmax(logits[:, -1], axis=-1)[:, None]  # (B, 1) greedy choice
        for i in range(B):
            if not done[i]:
                if step_ids[i, 0] == eos:
                    done[i] = True
                else:
                    out[i].append(int(step_ids[i, 0]))
        if done.all():
            break
    texts_out = [tokenizer.decode(ids) for ids in out]
    return (texts_out, attention) if return_cross_attention else texts_out


def count_calls(model: Seq2Seq) -> dict:
    """Count ``model.encode`` and ``model.decode`` calls from now on.

    Wraps the two methods on this instance (the model computes exactly as before) and returns
    the live counts ``{"encode": int, "decode": int}``, so a reader can see that the encoder
    runs once per source and the decoder once per generated token.
    """
    calls = {"encode": 0, "decode": 0}
    for name in calls:
        method = getattr(model, name)

        def counted(*args, _method=method, _name=name, **kwargs):
            calls[_name] += 1
            return _method(*args, **kwargs)

        setattr(model, name, counted)
    return calls


def _read(filename: str) -> bytes:
    data = pkgutil.get_data("pycore", "data/" + filename)
    if data is None:
        raise FileNotFoundError(f"pycore/data/{filename} could not be read: the package "
                                "loader does not provide data files")
    return data


def load_pretrained_seq2seq(name: str = "dates_seq2seq", dtype="float64"):
    """The shipped encoder-decoder and its tokenizer.

    ``dtype``: the weights are stored in float32 and widened to float64 by default, for the
    reason given in :func:`pycore.pretrained.load_pretrained` (page and CPython agree).

    Returns
    -------
    model : Seq2Seq (parameters in ``dtype``)
    tokenizer : CharTokenizer, ``tokenizer.vocab_size == model.config.vocab_size``
    """
    if dtype not in ("float64", "float32"):
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    if name not in PRETRAINED_SEQ2SEQ:
        raise ValueError(f"unknown pretrained seq2seq model {name!r}; choose one of "
                         f"{sorted(PRETRAINED_SEQ2SEQ)}")
    weights, tok_file = PRETRAINED_SEQ2SEQ[name]
    params, config = load(io.BytesIO(_read(weights)))
    params = _as_dtype(params, dtype)
    spec = json.loads(_read(tok_file).decode("utf-8"))
    tokenizer = CharTokenizer("".join(spec["chars"]), byte_fallback=bool(spec["byte_fallback"]))
    if tokenizer.vocab_size != config.vocab_size:
        raise ValueError(f"{tok_file} has {tokenizer.vocab_size} tokens but {weights} expects "
                         f"vocab_size={config.vocab_size}")
    return Seq2Seq(config, params=params), tokenizer
