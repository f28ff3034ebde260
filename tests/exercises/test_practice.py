"""The exercises notebook's checkers accept the reference solution and reject mistakes."""
import pytest

from exercises import check
from exercises.practice import PROBLEMS
from tests.exercises.practice_solutions import SOLUTIONS, WRONG_ANSWERS

NAMES = [problem.name for problem in PROBLEMS]


def test_there_are_ten_problems_each_with_solution_and_mistakes():
    assert len(PROBLEMS) == 10
    assert set(NAMES) == set(SOLUTIONS) == set(WRONG_ANSWERS)


@pytest.mark.parametrize("name", NAMES)
def test_checker_accepts_reference_solution(name, capsys):
    outcome = check(f"practice/{name}", SOLUTIONS[name])
    assert outcome["correct"], f"{name}: {outcome['hint']}"
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("name", NAMES)
def test_checker_rejects_typical_mistakes_with_a_hint(name, capsys):
    for wrong in WRONG_ANSWERS[name]:
        outcome = check(f"practice/{name}", wrong)
        assert not outcome["correct"], f"{name} accepted the wrong answer {wrong!r}"
        assert outcome["hint"]
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize("name", NAMES)
def test_checker_rejects_the_unfilled_starter(name):
    assert not check(f"practice/{name}", None)["correct"]


@pytest.mark.parametrize("name", NAMES)
def test_no_checker_prints_its_solution(name, capsys):
    check(f"practice/{name}", None)
    printed = capsys.readouterr().out
    assert repr(SOLUTIONS[name]) not in printed
