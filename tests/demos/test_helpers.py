"""demos/helpers.py: the book's plumbing shared by demos."""
import numpy as np
import pytest

from demos.helpers import bmatrix


def test_bmatrix_writes_rows_and_entries_in_the_format():
    assert bmatrix([[1, 0.5], [2, 3]], "g") == r"\begin{bmatrix}1 & 0.5 \\ 2 & 3\end{bmatrix}"
    assert bmatrix(np.eye(2), ".3f") == (
        r"\begin{bmatrix}1.000 & 0.000 \\ 0.000 & 1.000\end{bmatrix}")


def test_bmatrix_names_a_wrong_shape():
    with pytest.raises(ValueError, match=r"matrix has shape \(3,\)"):
        bmatrix([1, 2, 3], "g")
