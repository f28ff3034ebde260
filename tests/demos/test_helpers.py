"""demos/helpers.py: the book's plumbing shared by demos."""
import numpy as np
import pytest

import pycore as pc
from demos.helpers import bmatrix, count_calls
from pycore.seq2seq import translate


def test_bmatrix_writes_rows_and_entries_in_the_format():
    assert bmatrix([[1, 0.5], [2, 3]], "g") == r"\begin{bmatrix}1 & 0.5 \\ 2 & 3\end{bmatrix}"
    assert bmatrix(np.eye(2), ".3f") == (
        r"\begin{bmatrix}1.000 & 0.000 \\ 0.000 & 1.000\end{bmatrix}")


def test_bmatrix_names_a_wrong_shape():
    with pytest.raises(ValueError, match=r"matrix has shape \(3,\)"):
        bmatrix([1, 2, 3], "g")


def test_count_calls_counts_without_changing_the_output():
    model, tokenizer = pc.load_pretrained_seq2seq()
    plain = translate(model, tokenizer, ["3 Feb 1999"])
    calls = count_calls(model, ("encode", "decode"))
    assert calls == {"encode": 0, "decode": 0}
    assert translate(model, tokenizer, ["3 Feb 1999"]) == plain
    assert calls["encode"] == 1
    assert calls["decode"] == len(plain[0]) + 1  # one step per character, then end-of-sequence
