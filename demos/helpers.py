"""Book plumbing shared by the demos, kept out of the reader's view of a demo's code.

Shipped to the browser with the runner (hooks/python_zip.py) and to the notebooks in the
project's wheel. Python 3.8 / NumPy 1.17 compatible.
"""
import numpy as np


def bmatrix(matrix, fmt):
    r"""A matrix as KaTeX ``bmatrix`` source, for a number the prose shows as a matrix.

    Parameters
    ----------
    matrix : array_like of shape (rows, cols)
        The entries.
    fmt : str
        Python format spec for every entry (``"g"``, ``".3f"``).

    Returns
    -------
    str
        ``\begin{bmatrix}a & b \\ c & d\end{bmatrix}``.
    """
    array = np.asarray(matrix)
    if array.ndim != 2:
        raise ValueError(f"matrix has shape {array.shape}, expected (rows, cols)")
    rows = [" & ".join(format(x, fmt) for x in row) for row in array]  # one string per row
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def count_calls(obj, names):
    """Count calls of the methods ``names`` of ``obj`` from now on.

    Wraps each method on this instance (it computes exactly as before) and returns the live
    counts ``{name: int}``, so a demo can show, e.g., that an encoder-decoder runs its encoder
    once per source and its decoder once per generated token.

    Parameters
    ----------
    obj : object
        The instance whose methods are counted (e.g. a ``pycore.Seq2Seq``).
    names : iterable of str
        The method names (e.g. ``("encode", "decode")``).

    Returns
    -------
    dict
        ``{name: number of calls so far}``, updated as the methods are called.
    """
    calls = {name: 0 for name in names}
    for name in calls:
        method = getattr(obj, name)

        def counted(*args, _method=method, _name=name, **kwargs):
            calls[_name] += 1
            return _method(*args, **kwargs)

        setattr(obj, name, counted)
    return calls
