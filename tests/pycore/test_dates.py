"""Tests for pycore.dates: the date data and its tokenizer."""

from __future__ import annotations

import datetime

import pytest

from pycore.dates import (
    BOS,
    EOS,
    FORMATS,
    PAD,
    date_tokenizer,
    encode_batch,
    format_date,
    make_dates,
)


def test_formats_of_one_date():
    date = datetime.date(2026, 11, 4)
    assert [format_date(date, f) for f in FORMATS] == [
        "4 Nov 2026", "November 4, 2026", "04/11/2026", "2026 Nov 4"]


def test_make_dates_is_seeded_and_splits_are_disjoint():
    a, b = make_dates(50, seed=3), make_dates(50, seed=3)
    assert a == b
    assert make_dates(50, seed=4) != a
    train_days = {t for _, t in make_dates(3000, seed=0)}
    held_days = {t for _, t in make_dates(3000, seed=0, split="heldout")}
    assert not train_days & held_days, "a held-out date also occurs in training"
    for source, target in a:
        date = datetime.date.fromisoformat(target)
        assert 1950 <= date.year <= 2049
        assert str(date.year) in source, (source, target)
    with pytest.raises(ValueError, match="split must be"):
        make_dates(3, seed=0, split="test")


def test_tokenizer_covers_every_character_and_round_trips():
    tok = date_tokenizer()
    assert tok.vocab_size == tok.n_chars  # no byte-fallback tokens
    for source, target in make_dates(200, seed=1):
        for text in (source, BOS + target + EOS):
            assert tok.decode(tok.encode(text)) == text
    ids, lengths = encode_batch(tok, ["1 May 2000", "September 30, 2049"])
    assert ids.shape == (2, 18) and list(lengths) == [10, 18]
    assert tok.decode(ids[0]) == "1 May 2000" + PAD * 8
