# Train a byte-pair-encoding tokenizer (Sennrich et al. 2016) on a tiny corpus and watch it:
# the merges in the order learned, then one word being tokenized merge by merge.
import pycore as pc

# Sennrich et al.'s toy dictionary: low x5, lower x2, newest x6, widest x3.
corpus = ("low low low low low lower lower "
          "newest newest newest newest newest newest widest widest widest")
n_merges = 10  # @param {type: "slider", min: 1, max: 30, step: 1}
word = " lowest"  # @param {type: "text"}

tok = pc.BPETokenizer().train(corpus, vocab_size=256 + n_merges)  # ids 0..255 are the bytes
print(f"asked for {n_merges} merges, learned {len(tok.merges)}"
      + ("" if len(tok.merges) == n_merges else " (no pair occurs twice any more)"))
for m, (left, right, merged, count) in enumerate(tok.merge_table()):
    print(f"merge {m:2d}: {left!r:>8} + {right!r:<8} -> {merged!r:<10} ({count} times)")


def show(ids):
    return " ".join(repr(tok.id_to_token(i)) for i in ids)  # quotes show the spaces


# Tokenize `word` by hand: start from its bytes and apply the merges in the order learned.
# (pc's encode does the same, chunk by chunk; merges never cross a space-led word boundary.)
ids = list(word.encode("utf-8"))
print(f"\n{word!r} as bytes: {show(ids)}")
for m, (a, b) in enumerate(tok.merges):
    merged, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == (a, b):
            merged.append(256 + m)  # the new token's id
            i += 2
        else:
            merged.append(ids[i])
            i += 1
    if merged != ids:
        ids = merged
        print(f"after merge {m:2d}:  {show(ids)}")

encoded = tok.encode(word)
print(f"pc encode:       {show(encoded)}   ids {encoded}")
print("decode(encode(word)) == word:", tok.decode(encoded) == word)

result = {
    "n_learned": len(tok.merges),
    "merges": [list(row[:3]) for row in tok.merge_table()],
    "counts": tok.merge_counts,
    "by_hand": ids,
    "encoded": encoded,
    "round_trip": tok.decode(encoded) == word,
    "n_bytes": len(word.encode("utf-8")),
    "n_tokens": len(encoded),
}
