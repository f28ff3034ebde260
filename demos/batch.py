"""Run a batch of demo files in this interpreter, as the site build does: ``python -m demos.batch``.

``python -m demos.batch JOBS OUT`` reads ``JOBS``, a JSON list of ``[demo_id, path]``, runs
each demo with :func:`demos.runner.run_demo_file` and writes to the file ``OUT`` a JSON
object ``{demo_id: {"params", "params_error", "outcome"}}``. The build (demos/build_runs.py)
starts it in a fresh process, so a library edit is seen under ``mkdocs serve`` and no demo
can disturb the build's own state. Runs on Python 3.8.
"""
import json
import sys

import numpy

from demos.params import parse_params
from demos.runner import run_demo_file


def run_batch(jobs):
    """``{demo_id: {"params", "params_error", "outcome"}}`` for ``jobs``, ``[(demo_id, path)]``.

    ``params`` is the demo's ``# @param`` list (empty, with ``params_error`` the message, if
    a line is malformed); ``outcome`` is what :func:`demos.runner.run_demo_file` returned.
    """
    # Each demo starts from a fresh interpreter's NumPy print options: a demo may change
    # them, and the next one must print as it would on its own.
    fresh_printoptions = numpy.get_printoptions()
    runs = {}
    for demo_id, path in jobs:
        numpy.set_printoptions(**fresh_printoptions)
        with open(str(path), encoding="utf-8") as handle:
            source = handle.read()
        try:
            params, params_error = parse_params(source), None
        except ValueError as error:
            params, params_error = [], str(error)
        runs[demo_id] = {"params": params, "params_error": params_error,
                         "outcome": run_demo_file(path)}
    return runs


def main(argv):
    """``argv = [JOBS, OUT]``: run the jobs and write the runs as JSON to ``OUT``."""
    if len(argv) != 2:
        raise SystemExit("usage: python -m demos.batch JOBS_JSON OUT_FILE")
    runs = run_batch(json.loads(argv[0]))
    with open(argv[1], "w", encoding="utf-8") as handle:
        json.dump(runs, handle)


if __name__ == "__main__":
    main(sys.argv[1:])
