"""Session fixtures shared by every test folder.

- ``built_site``: the site built once per session with ``mkdocs build --strict`` into a
  temporary folder (the site tests and the browser tests both read it).
- ``cpython_run``: runs a demo in CPython through ``demos.runner.run_demo_file`` once per
  session and remembers the outcome, so the demo, site and prose-number tests share runs.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


class BuiltSite(type(Path())):
    """The built site's folder (a Path), with ``seconds``: how long the build took."""

    seconds = 0.0


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """Build the site once with ``mkdocs build --strict``; returns the site folder.

    Fails (for every test that uses it) with the build's own error message.
    """
    bundle = REPO / "docs" / "assets" / "build" / "itt.js"
    if not bundle.is_file():
        pytest.fail("docs/assets/build/itt.js is missing: run `npm run build` first")
    site = tmp_path_factory.mktemp("built-site") / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=str(REPO), env=env, capture_output=True, text=True,
    )
    if finished.returncode != 0:
        pytest.fail(
            "mkdocs build --strict failed:\n" + (finished.stdout + finished.stderr)[-6000:],
            pytrace=False,
        )
    built = BuiltSite(site)
    built.seconds = time.perf_counter() - started
    return built


@pytest.fixture(scope="session")
def cpython_run():
    """``cpython_run(demo_id) -> outcome`` of ``run_demo_file``, memoised per session."""
    import numpy

    from demos import demo_path
    from demos.runner import run_demo_file

    runs = {}
    fresh_printoptions = numpy.get_printoptions()

    def run(demo_id):
        if demo_id not in runs:
            # As in the build: a demo prints as it would in a fresh interpreter.
            numpy.set_printoptions(**fresh_printoptions)
            runs[demo_id] = run_demo_file(demo_path(demo_id))
        return runs[demo_id]

    return run
