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

This module is the dataset only. ``make_dates`` generates (source, target) pairs from a seed;
``models/train_seq2seq.py`` trains on the "train" split and the tests measure exact-match
accuracy on the "heldout" split, a tenth of the calendar days that training never sees.
``pycore.load_pretrained_seq2seq("dates_seq2seq")`` (in ``pretrained.py``) loads the shipped
weights and ``pycore.seq2seq.translate`` greedy-decodes a batch of strings.
"""

from __future__ import annotations

import datetime

import numpy as np

from .tokenizers import CharTokenizer

__all__ = ["FORMATS", "BOS", "EOS", "PAD", "make_dates", "date_tokenizer", "encode_batch"]

BOS, EOS, PAD = "^", "$", "_"  # start of decoder input, end of target, padding
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
FORMATS = ("{d} {mon} {y}", "{month} {d}, {y}", "{dd}/{mm}/{y}", "{y} {mon} {d}")
_FIRST = datetime.date(1950, 1, 1).toordinal()
_LAST = datetime.date(2049, 12, 31).toordinal()


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
