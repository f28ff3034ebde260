"""Helpers for the demo tests: run a demo as the page would, with controls or a line changed."""
import pytest

from demos import demo_path
from demos.params import with_values
from demos.runner import run_demo


def run_demo_with(demo_id, **values):
    """The ``result`` of demo ``demo_id`` run with some controls set, as the page's sliders do.

    Fails the test with the demo's traceback if it raises.
    """
    path = demo_path(demo_id)
    source = with_values(path.read_text(encoding="utf-8"), **values)
    outcome = run_demo(source, filename=str(path))
    if outcome["error"] is not None:
        pytest.fail(f"demo {demo_id} failed with {values}:\n{outcome['error']}")
    return outcome["result"]


def run_exercise(demo_id, replace=None):
    """Run a "Check yourself" demo, optionally with one line swapped: ``(starter, fixed)``.

    Returns the outcome (``stdout``, ``result``...); fails the test if the demo raised or if
    the starter line is not in the file.
    """
    path = demo_path(demo_id)
    source = path.read_text(encoding="utf-8")
    if replace is not None:
        starter, fixed = replace
        if starter not in source:
            pytest.fail(f"{demo_id}: the starter line {starter!r} is not in the demo")
        source = source.replace(starter, fixed)
    outcome = run_demo(source, filename=str(path))
    if outcome["error"] is not None:
        pytest.fail(f"demo {demo_id} failed:\n{outcome['error']}")
    return outcome
