"""Chapters 01-06: what the prose says in words is what the demos compute (issue 18).

Numbers in these chapters come from ``{{ result(...) }}``; this module checks the rest: every
macro renders, the inputs a "Check yourself" question names in the page are the checker's, and
the claims the prose makes in words about a demo's numbers ("most of its heads", "the
shallowest four", "the second repeats it") hold for what the demo returns.
"""
import re
from pathlib import Path

import numpy as np
import pytest

from demos import demo_path

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = {path.name[:2]: path
            for path in sorted((ROOT / "docs" / "chapters").glob("0[1-6]-*.md"))}


def _text(chapter):
    return CHAPTERS[chapter].read_text(encoding="utf-8")


def _flat(text):
    """The chapter with line breaks folded, so a sentence is found wherever it wraps."""
    return re.sub(r"\s+", " ", text)


def test_six_chapters():
    assert sorted(CHAPTERS) == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("chapter", ["01", "02", "03", "05", "06"])
def test_every_macro_renders(chapter):
    """The build hook fills every result macro from a fresh run of its demo (04 has its own)."""
    pytest.importorskip("mkdocs")
    from hooks import demo_macros as hook

    markdown, placeholders = hook.render_markdown(_text(chapter), chapter)
    macros = re.findall(r"\{\{ (?:demo|result)\(", _text(chapter))
    assert len(placeholders) == len(macros) > 0, "one placeholder per demo and result"
    assert all(str(value).strip() for value in placeholders.values()), "an empty value"
    prose = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    assert "{{ result(" not in prose and "{{ demo(" not in prose


def test_chapter_03_question_names_the_checkers_reference_pair():
    from exercises.ch03 import ROPE_PROBLEM

    m, n = ROPE_PROBLEM["reference"]
    assert f"score exactly as at positions {m} and {n}?" in _flat(_text("03"))


def test_chapter_05_question_names_the_checkers_setting():
    from exercises.ch05 import SCORE_VARIANCE_PROBLEM as P

    page = _flat(_text("05"))
    assert (f"if the entries of $q$ have variance {P['var_q']:g} and those of $k$ variance "
            f"{P['var_k']:g} (not 1), with $d_k = {P['d_k']}$") in page
    assert "measures it on 20,000 random pairs" in page
    source = demo_path("05/check_yourself").read_text(encoding="utf-8")
    assert source.count("size=(20000, d_k)") == 2, "the demo draws the 20,000 pairs it names"


def test_chapter_01_the_second_layer_repeats_the_first(cpython_run):
    """'prints the shape after each step of the first layer (the second repeats it)'."""
    result = cpython_run("01/trace_shapes")["result"]
    assert "(the second repeats it)" in _flat(_text("01"))
    assert result["n_layers"] == 2
    layer = {i: [shape for step, shape in result["steps"] if step.startswith(f"L{i} ")]
             for i in (0, 1)}
    assert layer[0] == layer[1] and len(layer[0]) == 14  # "the same 14 steps", as printed


def test_chapter_03_the_shallowest_four_alibi_heads_look_far(cpython_run):
    """'the steepest head puts ... beyond T_train, the shallowest four ... to ...'."""
    mass = np.array(cpython_run("03/extrapolation")["result"]["alibi_mass_beyond"])
    page = _flat(_text("03"))
    assert '"alibi_mass_beyond.0"' in page and '"alibi_mass_beyond.4"' in page
    assert '"alibi_mass_beyond.7"' in page and "the shallowest four" in page
    assert np.all(np.diff(mass) > 0), "heads are ordered from steepest to shallowest"
    assert mass[0] < 1e-3 and mass[4:].min() > 0.3 and mass[:4].max() < 0.15


def test_chapter_03_loss_climbs_by_block_towards_uniform(cpython_run):
    result = cpython_run("03/long_context")["result"]
    assert result["T"] == 4 * result["T_train"], "'each next block as long': four blocks"
    assert len(result["by_block"]) == 4


def test_chapter_06_most_heads_read_the_previous_character(cpython_run):
    """'Labelled by the largest share of their weight, most of its heads read the previous
    character'; one head of the layer named favours earlier spaces."""
    result = cpython_run("06/trained_heads")["result"]
    labels = [label for layer in result["labels"] for label in layer]
    assert "most of its heads read the previous character" in _flat(_text("06"))
    assert labels.count("previous character") > len(labels) / 2


def test_chapter_06_toy_heads_are_named_as_the_demo_numbers_them(cpython_run):
    """'With h = 2, head 0 puts ... on t-1, head 1 ... on t-2'."""
    result = cpython_run("06/toy_heads")["result"]
    page = _flat(_text("06"))
    assert f"With $h = {result['h']}$, head 0 puts" in page
    after = np.array(result["after"])  # (h, 2): weight on t - 1, on t - 2
    assert after[0, 0] > after[0, 1] and after[1, 1] > after[1, 0]


def test_chapter_06_kv_cache_is_explained_before_its_formula():
    page = _text("06")
    assert page.index("*KV\ncache*") < page.index("KV bytes") < page.index("## Check yourself")
