"""demos/03/check_rope_offset.py: the starter is marked wrong, the right letters right."""
from demo_helpers import run_exercise

from exercises.ch03 import same_score_pairs

DEMO = "03/check_rope_offset"
STARTER = "answer = set()"


def test_starter_is_not_yet_and_lists_the_pairs():
    outcome = run_exercise(DEMO)
    assert outcome["result"]["correct"] is False
    assert "F: query at position   6" in outcome["stdout"]


def test_right_letters_are_correct():
    outcome = run_exercise(DEMO, (STARTER, f"answer = {sorted(same_score_pairs())!r}"))
    assert outcome["result"]["correct"] is True
    assert outcome["stdout"].strip().splitlines()[-1].startswith("Correct")
