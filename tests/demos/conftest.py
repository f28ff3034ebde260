"""Fixtures for the demo tests (the helpers themselves are in demo_helpers.py)."""
import pytest
from demo_helpers import run_demo_with


@pytest.fixture
def run_with():
    """``run_with(demo_id, **controls) -> result``; see :func:`run_demo_with`."""
    return run_demo_with
