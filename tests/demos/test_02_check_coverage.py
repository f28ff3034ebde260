"""demos/02/check_coverage.py: the starter is marked wrong, the right letters right."""
from demo_helpers import run_exercise

from exercises.ch02 import encodable

DEMO = "02/check_coverage"
STARTER = "answer = set()"


def test_starter_is_not_yet_and_prints_the_vocabulary():
    outcome = run_exercise(DEMO)
    assert outcome["result"]["correct"] is False
    assert "vocabulary (109 characters)" in outcome["stdout"]


def test_right_letters_are_correct():
    outcome = run_exercise(DEMO, (STARTER, f"answer = {sorted(encodable())!r}"))
    assert outcome["result"]["correct"] is True
    assert outcome["stdout"].strip().splitlines()[-1].startswith("Correct")
