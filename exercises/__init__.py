"""Checkers for the "Check yourself" exercises, one module per chapter (``exercises/chNN.py``).

A chapter module registers a checker per exercise::

    from exercises import register, verdict

    @register("04/which_key")
    def which_key(answer):
        expected = ...  # computed with pycore, never typed in
        if answer == expected:
            return verdict(True, praise="the second key matches the query best.")
        return verdict(False, hint="compare q with each key by a dot product.")

and a demo ends with ``result = check("04/which_key", answer)``. A checker prints
"Correct: ..." or "Not yet: <hint>" (``verdict`` does both) and returns
``{"correct": bool, "hint": str}``; it gives a hint, never the solution. Chapter modules are
imported on first use, so ``check`` costs nothing for chapters a page does not touch.
Runs on Python 3.8 (this package is shipped into the browser with pycore).
"""
import importlib
import re

import numpy as np

# "NN/name" for a chapter's exercise (module exercises/chNN.py); "practice/name" for the
# exercises notebook (module exercises/practice.py).
_EXERCISE_ID = re.compile(r"^(?P<chapter>[0-9]{2}|practice)/[A-Za-z0-9_]+$")
_CHECKERS = {}


def _chapter_of(exercise_id):
    match = _EXERCISE_ID.match(exercise_id) if isinstance(exercise_id, str) else None
    if match is None:
        raise ValueError(
            f"exercise id {exercise_id!r} is not of the form 'NN/name' (e.g. '04/which_key')"
        )
    return match.group("chapter")


def register(exercise_id):
    """Decorator: make the function the checker of ``exercise_id`` ("NN/name")."""
    _chapter_of(exercise_id)

    def decorate(checker):
        known = _CHECKERS.get(exercise_id)
        same = known is not None and (known.__module__, known.__qualname__) == (
            checker.__module__,
            checker.__qualname__,
        )
        if known is not None and not same:
            raise ValueError(
                f"exercise {exercise_id!r} already has a checker: "
                f"{known.__module__}.{known.__qualname__}"
            )
        _CHECKERS[exercise_id] = checker
        return checker

    return decorate


def verdict(correct, hint="", praise=""):
    """Print the reader-facing verdict and return it as ``{"correct", "hint"}``.

    Parameters
    ----------
    correct : bool
        Whether the answer is right.
    hint : str
        What to look at again (shown when the answer is wrong). Never the solution.
    praise : str
        What the right answer shows (shown when it is right).
    """
    correct = bool(correct)
    if correct:
        print("Correct: " + (praise or "well done."))
    else:
        print("Not yet: " + (hint or "have another look."))
    return {"correct": correct, "hint": "" if correct else str(hint)}


def as_letter_set(answer, letters, *, example):
    """Read ``answer`` as a set of choice letters, or say what to fix.

    A reader may write ``{"A", "C"}``, ``["a", "c"]``, ``"A, C"`` or ``"AC"``: any iterable of
    letters, or one string of letters separated by commas or spaces (or not at all), in any
    case.

    Parameters
    ----------
    answer : object
        What the reader assigned (None if left unset).
    letters : iterable of str
        The choices' letters, upper case.
    example : str
        An answer of the right form for the hints, e.g. ``'{"A", "D"}'``.

    Returns
    -------
    got : set of str or None
        The upper-case letters; None when there is a hint instead.
    hint : str or None
        What to fix, for ``verdict(False, hint=hint)``; None when ``got`` is usable.
    """
    letters = set(letters)
    if answer is None:
        return None, f"set `answer` to a set of letters, e.g. {example}."
    if isinstance(answer, str):
        pieces = [piece for piece in re.split(r"[\s,;]+", answer.strip().upper()) if piece]
        # "ACE" is three letters when every character is one of the choices.
        answer = [c for piece in pieces
                  for c in (piece if set(piece) <= letters else [piece])]
    try:
        got = {str(letter).strip().upper() for letter in answer}
    except TypeError:
        return None, f"`answer` should be a set of letters, e.g. {example}."
    unknown = got - letters
    if unknown:
        return None, (f"{sorted(unknown)} is not one of the letters "
                      f"{', '.join(sorted(letters))}.")
    return got, None


def as_answer_array(answer, shape, *, missing, not_numbers, wrong_shape):
    """Read ``answer`` as a float array of ``shape``, or say what to fix.

    Parameters
    ----------
    answer : object
        What the reader assigned (a number, nested list or array; None if left unset).
    shape : tuple of int
        The shape the right answer has.
    missing, not_numbers : str
        Hints for an unset answer and for one that is not numbers.
    wrong_shape : str
        Hint for an array of another shape; ``{shape}`` in it becomes the shape given.

    Returns
    -------
    got : ndarray of shape ``shape``, float64, or None
        The answer as an array; None when there is a hint instead.
    hint : str or None
        What to fix, for ``verdict(False, hint=hint)``; None when ``got`` is usable.
    """
    if answer is None:
        return None, missing
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None, not_numbers
    if got.shape != tuple(shape):
        return None, wrong_shape.format(shape=got.shape)
    return got, None


def _load_chapter(chapter):
    name = "exercises.practice" if chapter == "practice" else f"exercises.ch{chapter}"
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        raise ValueError(f"no checkers for chapter {chapter}: there is no {name}") from None


def known_exercises(chapter):
    """Sorted ids of the exercises registered for ``chapter`` ("04")."""
    _load_chapter(chapter)
    return sorted(key for key in _CHECKERS if key.startswith(chapter + "/"))


def check(exercise_id, answer):
    """Check the reader's ``answer`` to ``exercise_id``; returns ``{"correct", "hint"}``.

    An answer of the wrong kind (a checker raising TypeError or ValueError, e.g. for a list
    of the wrong length) counts as "Not yet", with the checker's message as the hint.
    """
    chapter = _chapter_of(exercise_id)
    if exercise_id not in _CHECKERS:
        _load_chapter(chapter)
    checker = _CHECKERS.get(exercise_id)
    if checker is None:
        raise ValueError(
            f"unknown exercise {exercise_id!r}; chapter {chapter} has "
            f"{known_exercises(chapter) or 'none'}"
        )
    try:
        outcome = checker(answer)
    except (TypeError, ValueError) as problem:
        return verdict(False, hint=f"this answer cannot be checked: {problem}")
    if not (
        isinstance(outcome, dict)
        and isinstance(outcome.get("correct"), bool)
        and isinstance(outcome.get("hint"), str)
    ):
        raise TypeError(
            f"checker for {exercise_id!r} returned {outcome!r}; it must return "
            "verdict(...) or a dict {'correct': bool, 'hint': str}"
        )
    return outcome
