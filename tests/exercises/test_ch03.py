"""exercises/ch03.py: the RoPE-offset checker accepts the same-offset pairs, rejects slips."""
import numpy as np
import pytest

from exercises import check
from exercises.ch03 import ROPE_PROBLEM, rope_score, same_score_pairs

M0, N0 = ROPE_PROBLEM["reference"]
PAIRS = ROPE_PROBLEM["pairs"]
# Written out from the theory: the same signed offset m - n.
RIGHT = {letter for letter, (m, n) in PAIRS.items() if m - n == M0 - N0}


def test_computed_scores_follow_the_signed_offset():
    assert same_score_pairs() == RIGHT == {"A", "C", "E"}
    # The traps really differ: a mirrored offset and other offsets give other scores.
    reference = rope_score(M0, N0)
    for letter in set(PAIRS) - RIGHT:
        assert abs(rope_score(*PAIRS[letter]) - reference) > 1e-3, letter
    assert np.isfinite(reference)


@pytest.mark.parametrize("spelling", [
    set, list, sorted, lambda s: {x.lower() for x in s},
    lambda s: ", ".join(sorted(s)), lambda s: "".join(sorted(s)).lower(),
    lambda s: " ".join(sorted(s)) + " ",
])
def test_accepts_the_right_set_in_any_spelling(spelling, capsys):
    assert check("03/rope_offset", spelling(RIGHT))["correct"] is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong, hint_word", [
    (RIGHT | {"B"}, "signed offset"),      # the distance |m - n| instead of m - n
    ({"B"}, "signed offset"),
    (RIGHT - {"E"}, "however large"),        # absolute positions thought to matter
    ({"A", "F"}, "compare m - n"),
    (set(), "none at all"),
    ({"Q"}, "not one of the letters"),
    (None, "set `answer`"),
    (7, "set of letters"),
])
def test_rejects_typical_mistakes_with_a_hint(wrong, hint_word, capsys):
    outcome = check("03/rope_offset", wrong)
    assert outcome["correct"] is False
    assert hint_word in outcome["hint"], outcome["hint"]
    assert capsys.readouterr().out.startswith("Not yet")
