"""Fixtures for the demo tests: run a demo as the page would, with controls changed."""
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


@pytest.fixture
def run_with():
    """``run_with(demo_id, **controls) -> result``; see :func:`run_demo_with`."""
    return run_demo_with
