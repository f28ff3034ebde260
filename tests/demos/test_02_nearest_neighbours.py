"""demos/02/nearest_neighbours.py: neighbours and class statistics of lm_tiny's embedding,
recomputed here from the shipped rows."""
import numpy as np
import pytest

import pycore as pc


def _cosine():
    model, tokenizer = pc.load_pretrained("lm_tiny")
    E = model.params["tokens"].astype(np.float64)
    chars = [tokenizer.decode([i]) for i in range(E.shape[0])]
    unit = E / np.linalg.norm(E, axis=1, keepdims=True)
    return chars, unit @ unit.T


@pytest.mark.parametrize("query", ["3", "e", "T", ",", "$", " "])
def test_neighbours_are_the_most_similar_rows(query, run_with):
    result = run_with("02/nearest_neighbours", query=query)
    chars, cosine = _cosine()
    q = chars.index(query)
    others = sorted((j for j in range(len(chars)) if j != q), key=lambda j: -cosine[q, j])
    assert result["neighbours"] == [chars[j] for j in others[:10]]
    np.testing.assert_allclose(result["similarities"], [cosine[q, j] for j in others[:10]],
                               rtol=1e-12)


def test_trained_rows_group_digits_vowels_and_capitals(cpython_run):
    result = cpython_run("02/nearest_neighbours")["result"]
    assert result["query"] == "3"
    assert all(c in "0123456789" for c in result["neighbours"][:9]), "digits next to digits"
    classes = result["classes"]
    assert classes["digits"]["nearest_inside"] == 10
    assert classes["vowels"]["nearest_inside"] == 5
    for name, stats in classes.items():
        assert stats["within"] > stats["outside"] + 0.15, name
    # Recomputed for one class: vowels' mean cosine to each other.
    chars, cosine = _cosine()
    idx = [chars.index(c) for c in "aeiou"]
    block = cosine[np.ix_(idx, idx)]
    np.testing.assert_allclose(classes["vowels"]["within"], block[~np.eye(5, dtype=bool)].mean(),
                               rtol=1e-12)


def test_figures_are_the_ranking_and_the_class_table(cpython_run):
    outcome = cpython_run("02/nearest_neighbours")
    kinds = [figure["usermeta"]["itt"]["kind"] for figure in outcome["figures"]]
    assert kinds == ["bars", "table"]
