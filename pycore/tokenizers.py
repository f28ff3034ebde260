"""Tokenizers: text -> integer ids -> text, losslessly for any Unicode string.

Two tokenizers, from the simplest to the one real models use:

- ``CharTokenizer``: one id per character seen in a training text. Characters never seen
  fall back to their UTF-8 bytes, each byte a token of its own (SentencePiece's
  ``byte_fallback``; Kudo and Richardson 2018), so nothing is ever lost to an "unknown" token.
- ``BPETokenizer``: byte-level byte-pair encoding. Start from the 256 byte values and
  repeatedly merge the most frequent adjacent pair of tokens into a new token (Sennrich,
  Haddow and Birch 2016, "Neural Machine Translation of Rare Words with Subword Units",
  section 3.2, Algorithm 1). Working on bytes rather than characters (Radford et al. 2019,
  GPT-2, section 2.2) means every string is representable before any merge is learned.

Both satisfy ``decode(encode(s)) == s`` for every Unicode string ``s``, including characters
never seen in training. A Python string holding a lone surrogate (U+D800 to U+DFFF on its
own) is not valid Unicode and has no UTF-8 encoding, so ``encode`` rejects it; ``decode``
always returns valid Unicode, turning ids that do not form valid UTF-8 into U+FFFD.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np

from ._validation import check_positive_int

__all__ = ["CharTokenizer", "BPETokenizer"]

N_BYTES = 256  # size of the byte alphabet every byte-level tokenizer starts from

# Pre-tokenization (GPT-2 style, simplified): a run of letters/digits or a run of punctuation,
# each with at most one leading space, or a run of whitespace. Merges never cross these chunk
# boundaries, so " the" can become one token but "e." cannot. The chunks concatenate back to
# the input exactly: every character is matched by one of the alternatives.
_CHUNK = re.compile(r" ?\w+| ?[^\s\w]+|\s+(?!\S)|\s+")


def _to_bytes(text: str) -> bytes:
    return text.encode("utf-8")  # text has passed _check_text: no lone surrogates


def _from_bytes(data: bytes) -> str:
    """Decode UTF-8; ids that do not form valid UTF-8 (e.g. sampled by a model) become U+FFFD.

    Encoded surrogates (ED A0 80 .. ED BF BF) are invalid UTF-8 too, so the result is always
    valid Unicode.
    """
    return data.decode("utf-8", errors="replace")


def _check_text(text, name: str = "text") -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{name} holds a lone surrogate {text[exc.start]!r} at index "
                         f"{exc.start}: not valid Unicode, so it has no UTF-8 bytes to "
                         "encode") from None
    return text


def _check_ids(ids, n_vocab: int) -> list[int]:
    """Convert ``ids`` (1-D sequence of ints) to a list, checking 0 <= id < n_vocab."""
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise TypeError(f"ids must be a sequence of int token ids, got {type(ids).__name__}")
    try:
        arr = np.asarray(list(ids))
    except (TypeError, ValueError) as exc:  # a 0-d array, ragged nesting, ...
        raise TypeError(f"ids must be a flat sequence of token ids: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"ids has shape {arr.shape}; expected a 1-D sequence of token ids")
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError(f"ids must be integers, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= n_vocab):
        bad = int(arr[(arr < 0) | (arr >= n_vocab)][0])
        raise ValueError(f"ids holds token id {bad}, out of range for a vocabulary of {n_vocab} "
                         "tokens")
    return [int(i) for i in arr]


class CharTokenizer:
    """One token per character, with UTF-8 byte fallback for unseen characters.

    Ids ``0 .. n_chars - 1`` are the distinct characters of the training text in sorted
    order; ids ``n_chars .. n_chars + 255`` are the byte-fallback tokens ``<0x00> .. <0xFF>``.

    Parameters
    ----------
    text : str
        Training text whose distinct characters form the vocabulary.
    byte_fallback : bool
        If True (default), unseen characters are encoded as their UTF-8 bytes. If False,
        ``encode`` raises ValueError on an unseen character and ``vocab_size == n_chars``.
    """

    def __init__(self, text: str, *, byte_fallback: bool = True):
        text = _check_text(text)
        self.chars: list[str] = sorted(set(text))
        self.byte_fallback = bool(byte_fallback)
        self._index: dict[str, int] = {c: i for i, c in enumerate(self.chars)}

    @property
    def n_chars(self) -> int:
        """Number of character tokens (distinct characters in the training text)."""
        return len(self.chars)

    @property
    def vocab_size(self) -> int:
        """Total number of ids, V (characters plus 256 byte tokens if ``byte_fallback``)."""
        return self.n_chars + (N_BYTES if self.byte_fallback else 0)

    def encode(self, text: str) -> list[int]:
        """Encode ``text`` to a list of ids (length = number of characters, plus extra bytes)."""
        text = _check_text(text)
        ids: list[int] = []
        for ch in text:
            i = self._index.get(ch)
            if i is not None:
                ids.append(i)
            elif self.byte_fallback:
                ids.extend(self.n_chars + b for b in _to_bytes(ch))
            else:
                raise ValueError(f"character {ch!r} was not in the training text and "
                                 "byte_fallback is False")
        return ids

    def decode(self, ids: Iterable[int]) -> str:
        """Decode ids back to text; runs of byte tokens are decoded together as UTF-8."""
        out: list[str] = []
        pending = bytearray()  # consecutive byte-fallback tokens form one UTF-8 sequence
        for i in _check_ids(ids, self.vocab_size):
            if i < self.n_chars:
                if pending:
                    out.append(_from_bytes(bytes(pending)))
                    pending = bytearray()
                out.append(self.chars[i])
            else:
                pending.append(i - self.n_chars)
        if pending:
            out.append(_from_bytes(bytes(pending)))
        return "".join(out)

    def id_to_token(self, i: int) -> str:
        """A printable name for id ``i``: the character, or ``<0xAB>`` for a byte token."""
        i = _check_ids([i], self.vocab_size)[0]
        return self.chars[i] if i < self.n_chars else f"<0x{i - self.n_chars:02X}>"


class BPETokenizer:
    """Byte-level byte-pair encoding (Sennrich et al. 2016; Radford et al. 2019).

    Ids ``0 .. 255`` are the raw bytes; id ``256 + m`` is the token created by merge ``m``.
    Train with ``train(text, vocab_size)``, then ``encode``/``decode``.

    Attributes (after training)
    ---------------------------
    merges : list of (int, int)
        The merged pairs in the order they were learned; merge ``m`` produced id ``256 + m``.
    merge_counts : list of int
        How often each pair occurred in the training text when it was merged.
    vocab : dict int -> bytes
        The byte string each id stands for.
    """

    def __init__(self):
        self._reset()

    def _reset(self) -> None:
        self.merges: list[tuple[int, int]] = []
        self.merge_counts: list[int] = []
        self.vocab: dict[int, bytes] = {b: bytes([b]) for b in range(N_BYTES)}
        self._ranks: dict[tuple[int, int], int] = {}
        self._trained = False

    @property
    def vocab_size(self) -> int:
        """Number of ids, V = 256 + number of merges."""
        return N_BYTES + len(self.merges)

    def train(self, text: str, vocab_size: int, *, min_frequency: int = 2) -> BPETokenizer:
        """Learn merges from ``text`` until the vocabulary has ``vocab_size`` tokens.

        Each step counts every adjacent pair of tokens inside each pre-tokenized chunk,
        weighted by how often the chunk occurs, and merges the most frequent pair. Ties are
        broken deterministically: the pair with the smallest ``(left id, right id)`` wins.
        Training stops early if no pair occurs at least ``min_frequency`` times, so
        ``self.vocab_size`` may end up below ``vocab_size``.

        Parameters
        ----------
        text : str
            Training corpus.
        vocab_size : int
            Target vocabulary size V, at least 256 (the byte alphabet).
        min_frequency : int
            Smallest pair count worth merging (default 2: a pair seen once is memorisation).

        Returns
        -------
        self, so that ``BPETokenizer().train(text, 300)`` reads naturally.
        """
        text = _check_text(text)
        vocab_size = check_positive_int(vocab_size, "vocab_size")
        min_frequency = check_positive_int(min_frequency, "min_frequency")
        if vocab_size < N_BYTES:
            raise ValueError(f"vocab_size={vocab_size} is smaller than the byte alphabet "
                             f"({N_BYTES} tokens); byte-level BPE needs vocab_size >= {N_BYTES}")
        self._reset()  # retraining starts from scratch
        # Each distinct chunk once, as a tuple of ids, with its number of occurrences.
        words: dict[tuple[int, ...], int] = Counter(
            tuple(_to_bytes(chunk)) for chunk in _CHUNK.findall(text))
        while self.vocab_size < vocab_size:
            pair_counts: Counter = Counter()
            for word, count in words.items():
                for pair in zip(word[:-1], word[1:]):
                    pair_counts[pair] += count
            if not pair_counts:
                break
            # Highest count first; among equal counts the smallest pair (deterministic).
            best = min(pair_counts, key=lambda pair: (-pair_counts[pair], pair))
            if pair_counts[best] < min_frequency:
                break
            new_id = self.vocab_size
            self.merges.append(best)
            self.merge_counts.append(int(pair_counts[best]))
            self.vocab[new_id] = self.vocab[best[0]] + self.vocab[best[1]]
            words = {_merge(word, best, new_id): count for word, count in words.items()}
        self._ranks = {pair: rank for rank, pair in enumerate(self.merges)}
        self._trained = True
        return self

    def _require_trained(self) -> None:
        if not self._trained:
            raise ValueError("BPETokenizer is not trained yet; call train(text, vocab_size) first")

    def encode(self, text: str) -> list[int]:
        """Encode ``text``: bytes of each chunk, then apply merges in the order learned.

        Within a chunk the pair with the lowest merge rank is merged first, repeatedly,
        which reproduces exactly the tokens training would have produced.
        """
        self._require_trained()
        text = _check_text(text)
        ids: list[int] = []
        for chunk in _CHUNK.findall(text):
            ids.extend(self._encode_chunk(tuple(_to_bytes(chunk))))
        return ids

    def _encode_chunk(self, word: tuple[int, ...]) -> tuple[int, ...]:
        while len(word) > 1:
            ranked = [(self._ranks.get(pair, len(self._ranks)), pair)
                      for pair in zip(word[:-1], word[1:])]
            rank, pair = min(ranked)
            if rank == len(self._ranks):  # no learned merge applies any more
                break
            word = _merge(word, pair, N_BYTES + rank)
        return word

    def decode(self, ids: Iterable[int]) -> str:
        """Concatenate the bytes of ``ids`` and decode them as UTF-8."""
        self._require_trained()
        ids = _check_ids(ids, self.vocab_size)
        return _from_bytes(b"".join(self.vocab[i] for i in ids))

    def id_to_token(self, i: int) -> str:
        r"""A printable form of token ``i`` (invalid UTF-8 fragments shown as ``\xNN``)."""
        i = _check_ids([i], self.vocab_size)[0]
        return self.vocab[i].decode("utf-8", errors="backslashreplace")

    def merge_table(self) -> list[tuple[str, str, str, int]]:
        """The merges as printable rows ``(left, right, merged, count)``, in learned order."""
        self._require_trained()
        return [(self.id_to_token(a), self.id_to_token(b), self.id_to_token(N_BYTES + m), c)
                for m, ((a, b), c) in enumerate(zip(self.merges, self.merge_counts))]


def _merge(word: Sequence[int], pair: tuple[int, int], new_id: int) -> tuple[int, ...]:
    """Replace every non-overlapping occurrence of ``pair`` in ``word``, left to right."""
    out: list[int] = []
    i = 0
    while i < len(word):
        if i + 1 < len(word) and word[i] == pair[0] and word[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)
