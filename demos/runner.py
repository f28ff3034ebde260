"""Run one demo's source and capture what a reader should see.

The same function runs a demo at build time (MkDocs hook), under pytest, and inside the
browser's Pyodide worker, so the page, the tests and the prose all read one ``result``.
Runs on Python 3.8 / NumPy 1.17.
"""
import base64
import io
import json
import math
import os
import sys
import time
import traceback

from demos.stream import OutputLog, log_stream

# Matplotlib (a reader's own code; no demo of the book imports it): PNG at 2x for sharp
# screens, with its size in CSS pixels at 1x.
FIGURE_DPI = 100
FIGURE_SCALE = 2
# The largest integer a JavaScript number (IEEE double) holds exactly.
LIVE_FIGURE_SECONDS = 0.25  # a figure shown with a key goes to the page at most this often
MAX_EXACT_INTEGER = 2**53
MAX_RESULT_DEPTH = 40  # levels of nesting in a result (a 40-d array is far beyond any demo)


def to_jsonable(value, depth=0):
    """Convert NumPy arrays and scalars (recursively) into plain JSON values.

    Non-finite floats become ``None``, since JSON has no NaN or infinity. An integer beyond
    ``2**53`` raises TypeError: the page reads JSON numbers as doubles, which would change it.
    So does a value nested deeper than ``MAX_RESULT_DEPTH`` (or one that contains itself):
    in the browser, deep recursion overflows the JavaScript stack before Python notices.
    """
    if depth > MAX_RESULT_DEPTH:
        raise TypeError(f"result is nested more than {MAX_RESULT_DEPTH} levels deep or "
                        "contains itself; give a tree of numbers, strings, bools, lists, "
                        "dicts or NumPy arrays")
    if isinstance(value, dict):
        return {str(key): to_jsonable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item, depth + 1) for item in value]
    if hasattr(value, "tolist") and callable(value.tolist):  # NumPy array or scalar
        return to_jsonable(value.tolist(), depth + 1)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_EXACT_INTEGER:
        raise TypeError(
            f"result holds the integer {value}, beyond 2**53 = {MAX_EXACT_INTEGER}: the page "
            "reads numbers as doubles and would change it; store str(value) or float(value)"
        )
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    raise TypeError(
        f"result holds a {type(value).__name__}, which is not JSON-able; "
        "use numbers, strings, bools, lists, dicts or NumPy arrays"
    )


def _take_shown_figures():
    """The Vega-Lite specs of every figure the run passed to ``pycore.figures.show``."""
    figures = sys.modules.get("pycore.figures")
    return figures.take_shown() if figures is not None else []


class _LiveFigures:
    """Sends each figure shown with a key to the page while the run goes.

    ``on_output("figure", text)`` receives the figure's Vega-Lite spec as JSON text (its key in
    ``usermeta.itt.key``), at most once per ``LIVE_FIGURE_SECONDS`` per key (a training loop
    may show its curve every step); the last version always arrives with the run's result.
    """

    def __init__(self, on_output):
        self._on_output = on_output
        self._sent_at = {}  # key -> perf_counter() of its last send

    def __call__(self, spec):
        key = spec["usermeta"]["itt"]["key"]
        now = time.perf_counter()
        if now - self._sent_at.get(key, -math.inf) < LIVE_FIGURE_SECONDS:
            return
        self._sent_at[key] = now
        self._on_output("figure", json.dumps(spec, allow_nan=False))


def _collect_matplotlib():
    """Every open Matplotlib figure as ``{"png", "width", "height"}``, then close them all.

    ``png`` is base64 at ``FIGURE_SCALE`` times the figure's size; ``width`` and ``height``
    are that size in CSS pixels.
    """
    if "matplotlib.pyplot" not in sys.modules:
        return []
    plt = sys.modules["matplotlib.pyplot"]
    images = []
    try:
        for number in plt.get_fignums():
            buffer = io.BytesIO()
            plt.figure(number).savefig(buffer, format="png", dpi=FIGURE_DPI * FIGURE_SCALE,
                                       bbox_inches="tight")
            data = buffer.getvalue()
            width, height = _png_size(data)
            images.append({"png": base64.b64encode(data).decode("ascii"),
                           "width": width // FIGURE_SCALE, "height": height // FIGURE_SCALE})
    finally:
        # A figure that fails to save must not linger and break the next run's figures.
        plt.close("all")
    return images


def _png_size(data):
    """(width, height) in pixels from a PNG's IHDR chunk."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _reader_traceback(filename):
    """The traceback text, without the runner's own frames."""
    error_type, error, tb = sys.exc_info()
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(error_type, error, tb))


def run_demo(source, *, filename="<demo>", on_output=None):
    """Execute a demo's ``source`` in a fresh namespace and capture its output.

    Args:
        source: the demo's Python code (str).
        filename: shown in tracebacks (e.g. ``"demos/04/worked_example.py"``).
        on_output: optional callback ``on_output(kind, text)`` receiving what is printed, in
            batches (``kind`` is ``"stdout"``, ``"stderr"`` or ``"note"``; demos/stream.py),
            and each figure shown with a key as it is shown (``kind`` ``"figure"``, ``text``
            its spec as JSON; see :class:`_LiveFigures`).

    Returns:
        dict with ``stdout`` (str), ``figures`` (list of Vega-Lite spec dicts, one per
        ``pycore.figures.show``), ``images`` (list of ``{"png": base64 str, "width": int,
        "height": int}``, one per open Matplotlib figure), ``result`` (JSON-able value of
        the demo's module-level ``result``, or None), ``error`` (traceback text, or None),
        ``stopped`` (True if interrupted), ``seconds``, ``stderr`` (str: warnings and
        anything written to ``sys.stderr``) and ``output`` (``[[kind, text], ...]``: stdout
        and stderr in the order printed). Output is capped: the start and the end are kept
        and a note says how much was dropped (``stdout`` holds that note).
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace = {"__name__": "__main__", "__file__": filename}
    log = OutputLog(on_output)
    error = None
    stopped = False
    started = time.perf_counter()
    saved_stdout, saved_stderr = sys.stdout, sys.stderr
    # Demos on one page share an interpreter (the browser's worker): one demo's
    # np.set_printoptions must not change how the next one prints.
    numpy = sys.modules.get("numpy")
    saved_printoptions = numpy.get_printoptions() if numpy is not None else None
    _take_shown_figures()  # figures left over from code run outside the runner
    if on_output is not None:
        from pycore import figures as figure_module

        figure_module.set_live_sink(_LiveFigures(on_output))
    sys.stdout, sys.stderr = log_stream(log, "stdout"), log_stream(log, "stderr")
    try:
        code = compile(source, filename, "exec")
        exec(code, namespace)
    except KeyboardInterrupt:
        stopped = True
        error = "Stopped (KeyboardInterrupt)."
    except BaseException:  # noqa: BLE001 - a reader's code may raise anything, even SystemExit
        error = _reader_traceback(filename)
    finally:
        sys.stdout, sys.stderr = saved_stdout, saved_stderr
        if "pycore.figures" in sys.modules:
            sys.modules["pycore.figures"].set_live_sink(None)
        if saved_printoptions is not None:
            numpy.set_printoptions(**saved_printoptions)
    seconds = time.perf_counter() - started
    figures, images = [], []
    try:
        figures = _take_shown_figures()
        try:
            images = _collect_matplotlib()
        except Exception:  # noqa: BLE001 - a figure the reader built may fail to render
            error = error or "Drawing the Matplotlib figures failed:\n" + traceback.format_exc()
    except KeyboardInterrupt:  # Stop while the figures were drawn: a stop, not a traceback
        stopped = True
        error = "Stopped (KeyboardInterrupt)."
    result = None
    if error is None and "result" in namespace:
        try:
            result = to_jsonable(namespace["result"])
        except TypeError as problem:
            error = f"TypeError: {problem}"
        except RecursionError:
            error = ("TypeError: result is nested too deeply or contains itself; give a tree "
                     "of numbers, strings, bools, lists, dicts or NumPy arrays")
        except Exception as problem:  # noqa: BLE001 - a reader's object converting itself
            error = (f"TypeError: result could not be converted to JSON "
                     f"({type(problem).__name__}: {problem})")
    log.flush()
    return {
        "stdout": log.text("stdout"),
        "stderr": log.text("stderr"),
        "output": log.segments(),
        "figures": figures,
        "images": images,
        "result": result,
        "error": error,
        "stopped": stopped,
        "seconds": seconds,
    }


def run_demo_file(path, **kwargs):
    """Run the demo stored at ``path`` (a str or Path); see :func:`run_demo`."""
    with open(str(path), encoding="utf-8") as handle:
        source = handle.read()
    return run_demo(source, filename=str(path), **kwargs)
