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

FIGURE_DPI = 100


class _StreamingWriter(io.TextIOBase):
    """A stdout replacement that keeps the text and forwards each write as it happens."""

    def __init__(self, on_output):
        self._parts = []
        self._on_output = on_output

    def write(self, text):
        self._parts.append(text)
        if self._on_output is not None and text:
            self._on_output("stdout", text)
        return len(text)

    def getvalue(self):
        return "".join(self._parts)


def to_jsonable(value):
    """Convert NumPy arrays and scalars (recursively) into plain JSON values.

    Non-finite floats become ``None``, since JSON has no NaN or infinity.
    """
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    if hasattr(value, "tolist") and callable(value.tolist):  # NumPy array or scalar
        return to_jsonable(value.tolist())
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    raise TypeError(
        f"result holds a {type(value).__name__}, which is not JSON-able; "
        "use numbers, strings, bools, lists, dicts or NumPy arrays"
    )


def _collect_figures():
    """PNG (base64) of every open Matplotlib figure, then close them all."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    plt = sys.modules["matplotlib.pyplot"]
    images = []
    try:
        for number in plt.get_fignums():
            buffer = io.BytesIO()
            plt.figure(number).savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
            images.append(base64.b64encode(buffer.getvalue()).decode("ascii"))
    finally:
        # A figure that fails to save must not linger and break the next run's figures.
        plt.close("all")
    return images


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
        on_output: optional callback ``on_output(kind, payload)`` called as text is printed.

    Returns:
        dict with ``stdout`` (str), ``figures`` (list of base64 PNG str), ``result``
        (JSON-able value of the demo's module-level ``result``, or None), ``error``
        (traceback text, or None), ``stopped`` (True if interrupted) and ``seconds``.
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace = {"__name__": "__main__", "__file__": filename}
    writer = _StreamingWriter(on_output)
    error = None
    stopped = False
    started = time.perf_counter()
    saved_stdout = sys.stdout
    # Demos on one page share an interpreter (the browser's worker): one demo's
    # np.set_printoptions must not change how the next one prints.
    numpy = sys.modules.get("numpy")
    saved_printoptions = numpy.get_printoptions() if numpy is not None else None
    sys.stdout = writer
    try:
        code = compile(source, filename, "exec")
        exec(code, namespace)
    except KeyboardInterrupt:
        stopped = True
        error = "Stopped (KeyboardInterrupt)."
    except BaseException:  # noqa: BLE001 - a reader's code may raise anything, even SystemExit
        error = _reader_traceback(filename)
    finally:
        sys.stdout = saved_stdout
        if saved_printoptions is not None:
            numpy.set_printoptions(**saved_printoptions)
    seconds = time.perf_counter() - started
    try:
        figures = _collect_figures()
    except Exception:  # noqa: BLE001 - a figure the reader built may fail to render
        figures = []
        error = error or "Drawing the figures failed:\n" + traceback.format_exc()
    result = None
    if error is None and "result" in namespace:
        try:
            result = to_jsonable(namespace["result"])
        except TypeError as problem:
            error = f"TypeError: {problem}"
    return {
        "stdout": writer.getvalue(),
        "figures": figures,
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


def result_json(outcome):
    """The run's ``result`` as compact JSON text (what the page and tests compare)."""
    return json.dumps(outcome["result"], sort_keys=True, separators=(",", ":"))
