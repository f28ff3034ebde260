# The tokenizer trade-off: a larger vocabulary V gives shorter sequences, but every token costs
# a row of the embedding matrix (V x d_model parameters). One BPE training run gives the whole
# curve, because a tokenizer with m merges is exactly the first m merges of a longer run.
import numpy as np

import pycore as pc

max_vocab = 420  # @param {type: "slider", min: 260, max: 600, step: 10}
d_model = 64  # embedding width used for the parameter count

train_text = """\
A transformer reads text as a sequence of tokens. Before any attention happens, a tokenizer
cuts the text into pieces and gives each piece an integer id. The choice of pieces decides how
long the sequence is and how large the vocabulary must be. Characters give a tiny vocabulary
and very long sequences. Whole words give short sequences, but the vocabulary grows with every
new word, and a word never seen in training has no id at all. Subword tokenizers sit in
between: frequent words become single tokens, while rare words are spelled out from smaller
pieces that the tokenizer already knows. Byte pair encoding builds such pieces by counting.
It starts from single bytes, finds the most frequent neighbouring pair, and merges it into a
new token. Then it counts again and merges again, until the vocabulary has the size we asked
for. The merges it learns first are the most common pairs in the training text: spaces before
letters, common endings, short words. Later merges build longer and rarer pieces. A larger
vocabulary shortens every sequence, which makes attention cheaper, but each new token needs a
row in the embedding matrix and a column in the output layer, and rare tokens are seen too
rarely to learn good vectors. Real models settle somewhere between thirty thousand and a few
hundred thousand tokens.
"""
held_out_text = """\
Attention compares every token with every other token, so a long sequence is expensive. A
shorter sequence of larger pieces is cheaper to process, but the vocabulary that makes it
possible must be learned from text, and a word that the training text never contained still
has to be spelled out from smaller pieces.
"""

tok = pc.BPETokenizer().train(train_text, vocab_size=max_vocab)


def lengths_per_vocab(tok, text):
    """Number of tokens of `text` for every vocabulary size 256 .. tok.vocab_size.

    Start from the full encoding and undo the merges from the last one back: splitting every
    copy of token 256 + m into its pair gives the encoding with only the first m merges.
    """
    ids = np.array(tok.encode(text))  # (n_tokens,)
    lengths = [len(ids)]
    for m in reversed(range(len(tok.merges))):
        hit = ids == 256 + m  # (n,) copies of the newest remaining token
        expanded = np.repeat(ids, np.where(hit, 2, 1))  # each hit takes two slots
        starts = np.cumsum(np.where(hit, 2, 1)) - np.where(hit, 2, 1)  # slot of each old id
        expanded[starts[hit]], expanded[starts[hit] + 1] = tok.merges[m]
        ids = expanded
        lengths.append(len(ids))
    return np.array(lengths[::-1])  # index m: tokens with m merges


vocab = 256 + np.arange(len(tok.merges) + 1)  # (n_merges + 1,)
per_char = {}
for name, text in (("training text", train_text), ("held-out text", held_out_text)):
    per_char[name] = lengths_per_vocab(tok, text) / len(text)  # (n_merges + 1,)

F = pc.figures
F.show(F.panels([
    F.lines(vocab, per_char, x_title="vocabulary size V", y_title="tokens per character",
            title="Sequence length", caption="Tokens per character against V."),
    F.lines(vocab, {"embedding parameters": vocab * d_model}, x_title="vocabulary size V",
            y_title=f"V × d_model (d_model = {d_model})", title="Embedding size",
            caption="Parameters of the embedding matrix against V."),
], columns=2, caption=(
    "Each merge BPE learns on the training text shortens it, and the held-out text less so "
    "(first panel); each costs one more row of d_model parameters in the embedding (second).")))

print(f"learned {len(tok.merges)} merges (asked for {max_vocab - 256})")
print("   V   train  held-out  (tokens per character)   embedding parameters")
for V in sorted({256, 300, 350, tok.vocab_size}):
    if V <= tok.vocab_size:
        train, held = per_char["training text"][V - 256], per_char["held-out text"][V - 256]
        print(f"{V:4d}   {train:.3f}  {held:.3f}{V * d_model:32,d}")

result = {
    "vocab_size": tok.vocab_size,
    "train_per_char": per_char["training text"],
    "held_per_char": per_char["held-out text"],
    "train_final": float(per_char["training text"][-1]),
    "held_final": float(per_char["held-out text"][-1]),
    "embedding_params": tok.vocab_size * d_model,
}
