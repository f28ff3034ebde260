"""Write ``pycore/data/prose_sample.json``: the text chapter 12's training demo learns from.

Ten 320-character pieces of the book's prose from the part ``models/train_lm.py`` trains
``lm_tiny`` on (the first 90 % of ``models/corpus.txt``), and 8 x 32 + 1 characters from the
held-out 10 %, so the demo's validation loss is measured on text no model here has seen.
The offsets are fixed so the demo's numbers (and the prose that quotes them) stay put;
``tests/demos/test_12_train_tiny.py`` checks the file against this script.

Usage: ``python models/prose_sample.py`` (from the repository root).
"""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "models" / "corpus.txt"
OUT = ROOT / "pycore" / "data" / "prose_sample.json"

PIECE_LENGTH = 320
PIECE_OFFSETS = (2000, 9848, 17696, 25544, 33392, 41240, 49088, 56936, 64784, 72633)
VALIDATION_OFFSET = 74133  # in the held-out 10 %
VALIDATION_LENGTH = 8 * 32 + 1  # 8 windows of 32 inputs, and each window's next character


def sample(corpus):
    """The demo's text as a dict: ``train`` (list of str) and ``validation`` (str)."""
    return {
        "generated_by": "models/prose_sample.py (cut from models/corpus.txt)",
        "train": [corpus[at:at + PIECE_LENGTH] for at in PIECE_OFFSETS],
        "validation": corpus[VALIDATION_OFFSET:VALIDATION_OFFSET + VALIDATION_LENGTH],
    }


def main():
    corpus = CORPUS.read_text(encoding="utf-8")
    text = json.dumps(sample(corpus), ensure_ascii=False, indent=1) + "\n"
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
