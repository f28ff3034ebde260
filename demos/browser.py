"""The browser worker's Python side: start the book's runtime in Pyodide (web/worker.js).

The worker unpacks python.zip onto ``sys.path`` and then calls :func:`start`, which does
everything else in Python, where it is linted and tested: the runtime's settings, importing
NumPy and ``pycore`` (an error there is raised, so the worker reports it while loading
instead of every run failing later), lazy fetching of ``pycore/data/`` files, and the
runner's entry point (``demos.sandbox.make_entry``), made once the library is imported so
that the book's state it takes includes it. Runs on Python 3.8 (Pyodide 0.17.1).
"""
import os
import sys

# Pyodide sizes the limit from the JavaScript stack (207 in a Chromium worker), too low for
# Matplotlib's draw with bbox_inches="tight"; 400 plain frames measured safe in a worker.
RECURSION_LIMIT = 360


def start(fetch_data=None):
    """Prepare the interpreter for the book's demos; returns the runner's entry point.

    Parameters
    ----------
    fetch_data : callable or None
        ``fetch_data(path)``, given the absolute name (str) of a ``pycore/data/`` file that
        Python found missing, writes that file if it can (the worker fetches it from the
        site). None leaves missing data files missing.

    Returns
    -------
    callable
        ``entry(source, filename, on_output) -> str``: runs one demo from the book's state
        and answers its outcome as JSON text (:func:`demos.sandbox.make_entry`).

    Raises
    ------
    ImportError
        If NumPy or ``pycore`` cannot be imported (e.g. python.zip is incomplete).
    """
    os.environ["MPLBACKEND"] = "Agg"  # a reader's Matplotlib draws into PNGs, never a window
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    # Importing here, not in the first demo, keeps the first result fast.
    import numpy  # noqa: F401

    import pycore  # noqa: F401
    import pycore.pretrained

    if fetch_data is not None:
        pycore.pretrained.fetch_missing_data(fetch_data)
    from demos.sandbox import make_entry

    return make_entry()
