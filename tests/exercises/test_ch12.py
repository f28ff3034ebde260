"""exercises/ch12.py: the initial-loss checker accepts log V (rounded too), rejects the slips."""
import math
import pathlib

from exercises import check
from exercises.ch12 import INITIAL_LOSS_PROBLEM

V = INITIAL_LOSS_PROBLEM["vocab_size"]
ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_problem_is_bytes_and_held_out_text():
    assert V == 256
    corpus = (ROOT / "models/corpus.txt").read_text(encoding="utf-8")
    assert corpus.find(INITIAL_LOSS_PROBLEM["text"]) >= int(len(corpus) * 0.9)


def test_accepts_right_answer(capsys):
    for answer in (math.log(V), 5.55, 5.5, "5.545"):
        assert check("12/initial_loss", answer)["correct"] is True, answer
    assert "Correct" in capsys.readouterr().out


def test_rejects_typical_mistakes_with_specific_hints(capsys):
    cases = {
        "bits": (round(math.log2(V), 2), "bits"),
        "log10": (round(math.log10(V), 2), "base 10"),
        "the probability": (round(1 / V, 4), "probability each token gets"),
        "V itself": (V, "number of tokens"),
        "zero": (0, "knows nothing"),
        "the character tokenizer's": (4.69, "109-character"),
        "negative": (-5.55, "never negative"),
        "far off": (12.0, "uniform"),
        "missing": (None, "set `prediction`"),
        "not a number": ("lots", "single number"),
    }
    for label, (answer, hint_word) in cases.items():
        outcome = check("12/initial_loss", answer)
        assert outcome["correct"] is False, label
        assert hint_word in outcome["hint"], (label, outcome["hint"])
    out = capsys.readouterr().out
    assert "5.5" not in out, "a hint must not give the answer"
