"""Tests for pycore.dates: the date data, its tokenizer and batched greedy translation."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

import pycore as pc
from pycore.dates import (
    BOS,
    EOS,
    FORMATS,
    PAD,
    date_tokenizer,
    encode_batch,
    format_date,
    load_pretrained_seq2seq,
    make_dates,
    translate,
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


def test_translate_shapes_with_an_untrained_model():
    tok = date_tokenizer()
    config = pc.TransformerConfig(vocab_size=tok.vocab_size, d_model=8, n_heads=2, n_layers=1,
                                  d_ff=8, max_len=24)
    model = pc.Seq2Seq(config, seed=0)
    sources = ["1 May 2000", "September 30, 2049", "04/11/2026"]
    outputs, attention = translate(model, tok, sources, max_new_tokens=5,
                                   return_cross_attention=True)
    assert len(outputs) == 3 and all(len(o) <= 5 for o in outputs)
    first = attention[0][0]  # step 0, layer 0: (B, h, 1, S)
    assert first.shape == (3, 2, 1, 18)
    np.testing.assert_allclose(first.sum(-1), 1.0, rtol=1e-12, err_msg="cross-attention rows")
    np.testing.assert_allclose(first[0, :, :, 10:], 0.0, atol=0, err_msg="padding keys")


def test_unknown_pretrained_name():
    with pytest.raises(ValueError, match="unknown pretrained seq2seq model"):
        load_pretrained_seq2seq("nope")


def test_count_calls_counts_without_changing_the_output():
    from pycore.dates import count_calls, load_pretrained_seq2seq, translate

    model, tokenizer = load_pretrained_seq2seq()
    plain = translate(model, tokenizer, ["3 Feb 1999"])
    calls = count_calls(model)
    assert calls == {"encode": 0, "decode": 0}
    assert translate(model, tokenizer, ["3 Feb 1999"]) == plain
    assert calls["encode"] == 1
    assert calls["decode"] == len(plain[0]) + 1  # one step per character, then end-of-sequence
