"""demos/02/bpe_merges.py: the merges match a from-scratch BPE; by-hand tokens match encode."""
import re
from collections import Counter
from pathlib import Path

from demos.params import parse_params
from demos.runner import run_demo


def _run(**values):
    """Run the demo with some control literals replaced, as the page's controls do."""
    source = DEMO.read_text(encoding="utf-8")
    lines = source.splitlines()
    for control in parse_params(source):
        if control["name"] in values:
            name, rest = lines[control["line"]].split("=", 1)
            comment = rest[rest.index("#"):]
            lines[control["line"]] = f"{name}= {values[control['name']]!r}  {comment}"
    outcome = run_demo("\n".join(lines), filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    return outcome["result"]

DEMO = Path(__file__).resolve().parents[2] / "demos" / "02" / "bpe_merges.py"
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


def test_merges_match_reference_and_tokens_match_encode():
    for n_merges in (10, 3, 30):
        result = _run(n_merges=n_merges)
        expected = _reference_merges(CORPUS, n_merges)
        assert result["merges"] == expected, f"n_merges={n_merges}"
        assert result["n_learned"] == len(expected) <= n_merges
        assert result["by_hand"] == result["encoded"]
        assert result["round_trip"] is True
        assert len(result["encoded"]) < result["n_bytes"]


def test_unseen_word_round_trips():
    result = _run(word=" lowerest zebra")
    assert result["by_hand"] == result["encoded"]
    assert result["round_trip"] is True
