"""Tests for pycore.tokenizers: lossless round trips, BPE merge order, validation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycore.tokenizers import BPETokenizer, CharTokenizer

CORPUS = ("the cat sat on the mat. the cat ate the rat. "
          "a hat, a mat, a cat: that is that.\n") * 3


@pytest.fixture(scope="module")
def bpe():
    return BPETokenizer().train(CORPUS, 300)


# ---------------------------------------------------------------- CharTokenizer
def test_char_tokenizer_ids_are_sorted_characters():
    tok = CharTokenizer("banana")
    assert tok.chars == ["a", "b", "n"]
    assert tok.encode("nab") == [2, 0, 1]
    assert tok.decode([1, 0, 2, 0]) == "bana"
    assert tok.vocab_size == 3 + 256


def test_char_tokenizer_byte_fallback_for_unseen_characters():
    tok = CharTokenizer("abc")
    ids = tok.encode("a\u00e9\U0001F600c")  # e-acute (2 UTF-8 bytes), emoji (4 bytes)
    assert len(ids) == 1 + 2 + 4 + 1
    assert [tok.id_to_token(i) for i in ids[1:3]] == ["<0xC3>", "<0xA9>"]
    assert tok.decode(ids) == "a\u00e9\U0001F600c"


def test_char_tokenizer_without_fallback_rejects_unseen():
    tok = CharTokenizer("abc", byte_fallback=False)
    assert tok.vocab_size == 3
    with pytest.raises(ValueError, match="not in the training text"):
        tok.encode("abd")


@settings(max_examples=60, deadline=None)
@given(train=st.text(max_size=20), text=st.text())
def test_char_tokenizer_round_trips_any_text(train, text):
    tok = CharTokenizer(train)
    assert tok.decode(tok.encode(text)) == text


def test_char_tokenizer_bad_inputs():
    with pytest.raises(TypeError, match="text must be a str"):
        CharTokenizer(["a", "b"])
    tok = CharTokenizer("ab")
    with pytest.raises(TypeError, match="text must be a str"):
        tok.encode(b"ab")
    with pytest.raises(ValueError, match="out of range"):
        tok.decode([0, tok.vocab_size])
    with pytest.raises(ValueError, match="out of range"):
        tok.decode([-1])
    with pytest.raises(ValueError, match="1-D"):
        tok.decode([[0, 1]])
    with pytest.raises(TypeError, match="integers"):
        tok.decode([0.5])


# ---------------------------------------------------------------- BPETokenizer
def test_bpe_first_merge_is_the_most_frequent_pair(bpe):
    # Count adjacent byte pairs inside pre-tokenized chunks by brute force.
    from pycore.tokenizers import _CHUNK

    counts = {}
    for chunk in _CHUNK.findall(CORPUS):
        data = chunk.encode("utf-8")
        for a, b in zip(data[:-1], data[1:]):
            counts[(a, b)] = counts.get((a, b), 0) + 1
    best = max(counts.values())
    expected = min(pair for pair, c in counts.items() if c == best)  # tie-break: smallest pair
    assert bpe.merges[0] == expected
    assert bpe.merge_counts[0] == best


def test_bpe_merge_counts_never_increase_and_ids_follow_order(bpe):
    assert bpe.vocab_size == 256 + len(bpe.merges)
    assert all(a >= b for a, b in zip(bpe.merge_counts, bpe.merge_counts[1:]))
    for m, (a, b) in enumerate(bpe.merges):
        assert a < 256 + m and b < 256 + m  # a merge only uses tokens that already exist
        assert bpe.vocab[256 + m] == bpe.vocab[a] + bpe.vocab[b]


def test_bpe_compresses_training_text_and_round_trips(bpe):
    ids = bpe.encode(CORPUS)
    assert len(ids) < len(CORPUS.encode("utf-8")) / 2
    assert bpe.decode(ids) == CORPUS
    assert " cat" in [bpe.id_to_token(i) for i in range(bpe.vocab_size)]


def test_bpe_training_is_deterministic():
    a = BPETokenizer().train(CORPUS, 280)
    b = BPETokenizer().train(CORPUS, 280)
    assert a.merges == b.merges and a.merge_counts == b.merge_counts


def test_bpe_stops_when_no_pair_is_frequent_enough():
    tok = BPETokenizer().train("abcdef", 1000)  # every pair occurs once
    assert tok.merges == []
    tok = BPETokenizer().train("abcdef", 1000, min_frequency=1)
    assert len(tok.merges) == 5  # "abcdef" collapses into one token
    assert tok.encode("abcdef") == [256 + 4]


def test_bpe_merge_table_is_printable(bpe):
    table = bpe.merge_table()
    assert len(table) == len(bpe.merges)
    left, right, merged, count = table[0]
    assert left + right == merged and count == bpe.merge_counts[0]


def test_bpe_retraining_starts_from_scratch():
    tok = BPETokenizer().train(CORPUS, 300)
    tok.train("zzzz zzzz", 257)
    assert tok.vocab_size == 257 and tok.merges == [(ord("z"), ord("z"))]


@settings(max_examples=150, deadline=None)
@given(text=st.text())
def test_bpe_round_trips_any_unicode_text(bpe, text):
    assert bpe.decode(bpe.encode(text)) == text


@settings(max_examples=30, deadline=None)
@given(train=st.text(max_size=60), text=st.text(max_size=40), vocab=st.integers(256, 300))
def test_bpe_round_trips_after_training_on_random_text(train, text, vocab):
    tok = BPETokenizer().train(train, vocab, min_frequency=1)
    assert tok.decode(tok.encode(text)) == text
    assert tok.decode(tok.encode(train)) == train


def test_lone_surrogates_are_rejected_and_never_decoded():
    # A lone surrogate is not Unicode: it has no UTF-8 bytes, so encode refuses it, and the
    # bytes ED A0 80 (an encoded surrogate, invalid UTF-8) decode to U+FFFD, as documented.
    tok = BPETokenizer().train("abab", 257)
    char = CharTokenizer("ab")
    for t in (tok, char):
        with pytest.raises(ValueError, match=r"text holds a lone surrogate '\\ud800' at index 1"):
            t.encode("a\ud800b")
    assert tok.decode([0xED, 0xA0, 0x80]) == "\ufffd" * 3
    assert char.decode([char.n_chars + b for b in (0xED, 0xA0, 0x80)]) == "\ufffd" * 3
    assert tok.decode([0x61, 0xFF, 0x62]) == "a\ufffdb"


def test_bpe_decode_of_invalid_utf8_does_not_crash():
    tok = BPETokenizer().train("abab", 257)
    assert tok.decode([0xC3]) == "\ufffd"  # a lone lead byte, as a model might sample


def test_bpe_bad_inputs(bpe):
    with pytest.raises(ValueError, match="not trained"):
        BPETokenizer().encode("abc")
    with pytest.raises(ValueError, match="not trained"):
        BPETokenizer().decode([1])
    with pytest.raises(ValueError, match="not trained"):
        BPETokenizer().merge_table()
    with pytest.raises(ValueError, match="smaller than the byte alphabet"):
        BPETokenizer().train("abc", 100)
    with pytest.raises(TypeError, match="vocab_size must be an integer"):
        BPETokenizer().train("abc", 300.0)
    with pytest.raises(ValueError, match="min_frequency"):
        BPETokenizer().train("abc", 300, min_frequency=0)
    with pytest.raises(TypeError, match="text must be a str"):
        BPETokenizer().train(None, 300)
    with pytest.raises(ValueError, match="out of range"):
        bpe.decode([bpe.vocab_size])
    with pytest.raises(ValueError, match="out of range"):
        bpe.id_to_token(-1)
