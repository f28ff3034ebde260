"""demos/02/bpe_merges.py: the merges match a from-scratch BPE; by-hand tokens match encode."""
import re
from collections import Counter

CORPUS = ("low low low low low lower lower "
          "newest newest newest newest newest newest widest widest widest")


def _reference_merges(text, n_merges, min_count=2):
    """Sennrich et al.'s Algorithm 1 on bytes, words split before spaces; ties -> smallest pair."""
    words = Counter(tuple(w.encode()) for w in re.findall(r" ?\w+", text))
    vocab = {b: bytes([b]) for b in range(256)}
    merges = []
    for m in range(n_merges):
        pairs = Counter()
        for w, c in words.items():
            for pair in zip(w, w[1:]):
                pairs[pair] += c
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        if pairs[best] < min_count:
            break
        new = 256 + m
        vocab[new] = vocab[best[0]] + vocab[best[1]]
        merges.append([vocab[best[0]].decode(), vocab[best[1]].decode(), vocab[new].decode()])
        merged = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if w[i:i + 2] == best:
                    out.append(new)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] = c
        words = merged
    return merges


def test_merges_match_reference_and_tokens_match_encode(run_with):
    for n_merges in (10, 3, 30):
        result = run_with("02/bpe_merges", n_merges=n_merges)
        expected = _reference_merges(CORPUS, n_merges)
        assert result["merges"] == expected, f"n_merges={n_merges}"
        assert result["n_learned"] == len(expected) <= n_merges
        assert result["by_hand"] == result["encoded"]
        assert result["round_trip"] is True
        assert len(result["encoded"]) < result["n_bytes"]


def test_unseen_word_round_trips(run_with):
    result = run_with("02/bpe_merges", word=" lowerest zebra")
    assert result["by_hand"] == result["encoded"]
    assert result["round_trip"] is True
