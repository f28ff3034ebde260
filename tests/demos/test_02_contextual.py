"""demos/02/contextual.py: one embedding row per character, different residual vectors after
the layers of lm_tiny, recomputed from model.forward."""
import numpy as np
import pytest

import pycore as pc


def _text():
    source = open("demos/02/contextual.py", encoding="utf-8").read()
    return source.split('text = "', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("char", ["t", "a", "e", " "])
def test_rows_are_equal_and_contextual_vectors_are_not(char, run_with):
    result = run_with("02/contextual", char=char)
    text = _text()
    where = [i for i, c in enumerate(text) if c == char]
    assert result["positions"] == where and len(where) >= 2
    assert result["input_spread"] == 0.0, "an embedding row is the same wherever it stands"
    model, tokenizer = pc.load_pretrained("lm_tiny")
    _, diagnostics = model.forward(np.array(tokenizer.encode(text))[None, :],
                                   return_diagnostics=True)
    x = diagnostics["residuals"][-1][0, where].astype(np.float64)
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    cos = (unit @ unit.T)[~np.eye(len(where), dtype=bool)]
    # The reference runs the float32 weights, the demo a float64 copy.
    np.testing.assert_allclose(result["after_min_cosine"], cos.min(), atol=1e-4)
    np.testing.assert_allclose(result["after_max_cosine"], cos.max(), atol=1e-4)
    assert result["after_max_cosine"] < 0.999, "no two copies keep the same vector"


def test_default_shows_both_heatmaps(cpython_run):
    outcome = cpython_run("02/contextual")
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "panels"
    assert outcome["result"]["after_min_cosine"] < 0.5 < outcome["result"]["after_max_cosine"]
