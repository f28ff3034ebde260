"""exercises/__init__.py: the check() registry, its lazy chapter import and its errors."""
import pytest

import exercises
from exercises import check, register, verdict


@pytest.fixture
def scratch_registry(monkeypatch):
    monkeypatch.setattr(exercises, "_CHECKERS", {})


def test_register_and_check(scratch_registry, capsys):
    @register("99/double")
    def double(answer):
        return verdict(answer == 4, hint="multiply by two", praise="2 x 2 = 4")

    assert check("99/double", 4) == {"correct": True, "hint": ""}
    assert capsys.readouterr().out == "Correct: 2 x 2 = 4\n"
    assert check("99/double", 5) == {"correct": False, "hint": "multiply by two"}
    assert capsys.readouterr().out == "Not yet: multiply by two\n"


def test_wrong_kind_of_answer_is_not_yet(scratch_registry, capsys):
    @register("99/shape")
    def shape(answer):
        if len(answer) != 3:
            raise ValueError(f"expected 3 numbers, got {len(answer)}")
        return verdict(True)

    outcome = check("99/shape", [1, 2])
    assert outcome["correct"] is False and "expected 3 numbers" in outcome["hint"]
    assert capsys.readouterr().out.startswith("Not yet: ")


def test_bad_ids_and_duplicates(scratch_registry, monkeypatch):
    with pytest.raises(ValueError, match="not of the form"):
        register("4/x")
    with pytest.raises(ValueError, match="no checkers for chapter 99"):
        check("99/nothing", 1)

    @register("99/one")
    def first(answer):
        return verdict(True)

    with pytest.raises(ValueError, match="already has a checker"):
        @register("99/one")
        def second(answer):
            return verdict(True)

    monkeypatch.setattr(exercises, "_load_chapter", lambda chapter: None)  # "ch99" exists
    with pytest.raises(ValueError, match=r"unknown exercise '99/two'.*99/one"):
        check("99/two", 1)


def test_checker_must_return_a_verdict(scratch_registry):
    @register("99/bad")
    def bad(answer):
        return True

    with pytest.raises(TypeError, match="must return"):
        check("99/bad", 1)


def test_chapter_modules_load_lazily():
    """A registered chapter module is imported on first use of one of its ids."""
    import importlib
    import pkgutil

    chapters = [m.name for m in pkgutil.iter_modules(exercises.__path__) if m.name.startswith("ch")]
    assert chapters, f"no chapter checker module (chNN.py) found in {exercises.__path__}"
    chapter = chapters[0][2:]
    module = importlib.import_module(f"exercises.ch{chapter}")
    ids = exercises.known_exercises(chapter)
    assert ids, f"{module.__name__} registers no exercise"
