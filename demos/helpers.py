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
