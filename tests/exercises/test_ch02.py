"""exercises/ch02.py: the coverage checker accepts the encodable strings, rejects slips."""
import pytest

import pycore as pc
from exercises import check
from exercises.ch02 import COVERAGE_STRINGS, encodable

# Written out from the shipped vocabulary: a string is encodable when all its characters are.
VOCAB = set(pc.load_pretrained("lm_tiny")[1].decode(list(range(109))))
RIGHT = {letter for letter, text in COVERAGE_STRINGS.items() if set(text) <= VOCAB}


def test_the_right_set_mixes_non_ascii_yes_and_no():
    assert encodable() == RIGHT
    assert RIGHT != set(COVERAGE_STRINGS), "some string must fail"
    assert any(not COVERAGE_STRINGS[letter].isascii() for letter in RIGHT), \
        "some non-ASCII string must work, or the ASCII slip would be right"


@pytest.mark.parametrize("spelling", [
    set, list, sorted, lambda s: {x.lower() for x in s},
    lambda s: ", ".join(sorted(s)), lambda s: "".join(sorted(s)).lower(),
    lambda s: " ".join(sorted(s)) + " ",
])
def test_accepts_the_right_set_in_any_spelling(spelling, capsys):
    assert check("02/coverage", spelling(RIGHT))["correct"] is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong, hint_word", [
    (set(COVERAGE_STRINGS), "byte-level BPE"),
    ({letter for letter, text in COVERAGE_STRINGS.items() if text.isascii()}, "not plain ASCII"),
    (set(), "none at all"),
    (RIGHT - {"A"}, "one missing character"),
    ({"Z"}, "not one of the letters"),
    (None, "set `answer`"),
    (3, "set of letters"),
])
def test_rejects_typical_mistakes_with_a_hint(wrong, hint_word, capsys):
    outcome = check("02/coverage", wrong)
    assert outcome["correct"] is False
    assert hint_word in outcome["hint"], outcome["hint"]
    assert capsys.readouterr().out.startswith("Not yet")
