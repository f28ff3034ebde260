"""Chapter 04 demos: each runs cleanly and its ``result`` matches an independent computation.

The expected values here are written out by hand (the worked example's Q K^T as integers) or
recomputed with plain NumPy, never read back from the demo or from pycore.
"""
import re
from pathlib import Path

import numpy as np
import pytest

from demos.params import parse_params
from demos.runner import run_demo, run_demo_file

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / "demos" / "04"
CHAPTER = ROOT / "docs" / "chapters" / "04-attention.md"
DEMOS = ["one_query", "worked_example", "masking", "soft_lookup", "score_memory", "mask_mistake",
         "check_yourself"]


def run(name, **params):
    """Run demos/04/<name>.py with some ``# @param`` values replaced; return its result."""
    path = DEMO_DIR / f"{name}.py"
    source = path.read_text(encoding="utf-8")
    for param, value in params.items():
        source, count = re.subn(rf"^{param} = .*?(  # @param .*)$", rf"{param} = {value!r}\1",
                                source, flags=re.M)
        assert count == 1, f"no @param line for {param!r} in {name}"
    outcome = run_demo(source, filename=str(path))
    assert outcome["error"] is None, f"{name} failed:\n{outcome['error']}"
    return outcome


def heatmap_values(spec, masked_value=np.nan):
    """The matrix a heatmap figure holds, masked cells as ``masked_value``."""
    cells = spec["data"]["values"]
    R = 1 + max(cell["r"] for cell in cells)
    C = 1 + max(cell["c"] for cell in cells)
    out = np.full((R, C), masked_value)
    for cell in cells:
        if not cell["masked"]:
            out[cell["r"], cell["c"]] = cell["value"]
    return out


def softmax_rows(x):
    """Reference softmax over the last axis, written independently of pycore."""
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("name", DEMOS)
def test_demo_runs_with_result_and_valid_controls(name):
    outcome = run_demo_file(DEMO_DIR / f"{name}.py")
    assert outcome["error"] is None, f"{name} failed:\n{outcome['error']}"
    assert isinstance(outcome["result"], dict), f"{name} sets no result dict"
    parse_params((DEMO_DIR / f"{name}.py").read_text(encoding="utf-8"))  # raises if malformed


def test_worked_example_every_step():
    outcome = run("worked_example")
    result = outcome["result"]
    # Q K^T by hand: q_i . k_j for the chapter's Q and K (integers).
    # the: [1,0,1,0].[1,0,0,1]=1, .[0,1,1,0]=1, .[1,1,0,0]=1
    # cat: [0,1,0,1].[1,0,0,1]=1, .[0,1,1,0]=1, .[1,1,0,0]=1
    # sat: [1,1,0,0].[1,0,0,1]=1, .[0,1,1,0]=1, .[1,1,0,0]=2
    by_hand = np.array([[1, 1, 1], [1, 1, 1], [1, 1, 2]])
    np.testing.assert_array_equal(result["scores"], by_hand, err_msg="Q K^T")
    seed_post_scores = np.array([[1, 1, 2], [1, 1, 0], [1, 2, 2]])  # the erratum
    assert not np.array_equal(result["scores"], seed_post_scores)
    assert result["d_k"] == 4 and result["scale"] == 0.5
    np.testing.assert_array_equal(result["scaled_scores"], by_hand / 2, err_msg="scaled scores")

    e = np.exp(by_hand / 2.0)
    weights = e / e.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(result["weights"], weights, rtol=1e-12, atol=0,
                               err_msg="attention weights")
    np.testing.assert_allclose(np.sum(result["weights"], axis=1), 1.0, rtol=1e-12,
                               err_msg="weight row sums")
    # "the" and "cat" score every key 1, so they average; "sat" prefers itself (score 2).
    np.testing.assert_allclose(result["weights"][0], [1 / 3] * 3, rtol=1e-12, err_msg="row 0")
    expected_sat = np.exp([0.5, 0.5, 1.0]) / (2 * np.exp(0.5) + np.exp(1.0))
    np.testing.assert_allclose(result["weights"][2], expected_sat, rtol=1e-12, err_msg="row 2")
    V = np.array(result["V"])
    np.testing.assert_allclose(result["output"], weights @ V, rtol=1e-12, err_msg="output")
    # What the page shows: the printed steps and the TeX the prose embeds.
    assert result["tex"]["scores"] == r"\begin{bmatrix}1 & 1 & 1 \\ 1 & 1 & 1 \\ 1 & 1 & 2" \
                                      r"\end{bmatrix}"
    assert "0.274 0.274 0.452" in outcome["stdout"]
    assert "pycore agrees: True" in outcome["stdout"]
    (figure,) = outcome["figures"]  # the weights heatmap
    assert figure["usermeta"]["itt"]["kind"] == "heatmap"
    np.testing.assert_allclose(heatmap_values(figure), weights, rtol=1e-12,
                               err_msg="heatmap cells")
    labels = figure["encoding"]["x"]["axis"]["labelExpr"]
    assert '["the", "cat", "sat"]' in labels, "tokens label the columns"


def test_worked_example_controls():
    unscaled = run("worked_example", scaled=False)["result"]
    np.testing.assert_array_equal(unscaled["scaled_scores"], [[1, 1, 1], [1, 1, 1], [1, 1, 2]],
                                  err_msg="unscaled scores")
    hot = run("worked_example", temperature=2.0)["result"]
    np.testing.assert_allclose(hot["weights"], softmax_rows(np.array(hot["scores"]) / 4),
                               rtol=1e-12, err_msg="weights at temperature 2")


@pytest.mark.parametrize("mask_kind", ["none", "causal", "padding", "both"])
def test_masking_exact_zeros_and_rows_sum_to_one(mask_kind):
    T, n_padding = 6, 2
    result = run("masking", mask_kind=mask_kind, T=T, n_padding=n_padding)["result"]
    i, j = np.indices((T, T))
    allowed = np.ones((T, T), dtype=bool)
    if mask_kind in ("causal", "both"):
        allowed &= j <= i
    if mask_kind in ("padding", "both"):
        allowed &= j < T - n_padding
    np.testing.assert_array_equal(result["allowed"], allowed, err_msg="mask")
    weights = np.array(result["weights"])
    assert np.all(weights[~allowed] == 0.0), "blocked weights must be exactly 0"
    assert result["blocked_weight_max"] == 0.0 and result["blocked_all_exactly_zero"]
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-12, err_msg="row sums")
    # Independent recomputation from the demo's seeded inputs.
    rng = np.random.RandomState(0)
    q, k = rng.standard_normal((T, 8)), rng.standard_normal((T, 8))
    scores = np.where(allowed, q @ k.T / np.sqrt(8), -np.inf)
    np.testing.assert_allclose(weights, softmax_rows(scores), rtol=1e-12, atol=1e-15,
                               err_msg="masked weights")


def test_masking_figure_shows_masked_cells_as_masked():
    outcome = run("masking", mask_kind="both", T=5, n_padding=1)
    result = outcome["result"]
    (figure,) = outcome["figures"]
    allowed = np.array(result["allowed"])
    masked = np.array([[cell["masked"] for cell in figure["data"]["values"]]]).reshape(5, 5)
    np.testing.assert_array_equal(masked, ~allowed, err_msg="masked cells")
    shown = heatmap_values(figure)
    np.testing.assert_allclose(shown[allowed], np.array(result["weights"])[allowed], rtol=1e-12,
                               err_msg="weights of the allowed cells")
    assert all(cell["text"] == "" and cell["exact"] == "masked"
               for cell in figure["data"]["values"] if cell["masked"]), "masked, never '0'"


def test_masking_keeps_one_real_token():
    result = run("masking", mask_kind="padding", T=3, n_padding=9)["result"]
    assert result["n_padding"] == 2
    np.testing.assert_array_equal(np.array(result["weights"])[:, 0], 1.0, err_msg="column 0")


def test_soft_lookup_turns_hard_as_sharpness_grows():
    result = run("soft_lookup", sharpness=4.0, query_angle=12)["result"]
    key_angles = np.radians([0.0, 40.0, 120.0, 220.0])
    similarity = np.cos(np.radians(12) - key_angles)  # unit vectors: q . k = cos(angle)
    weights = softmax_rows(4.0 * similarity)
    np.testing.assert_allclose(result["weights"], weights, rtol=1e-12, err_msg="soft weights")
    assert result["hard"] == 10.0, "the query is nearest the 'cats' key"
    np.testing.assert_allclose(result["soft"], weights @ [10, 20, 30, 40], rtol=1e-12,
                               err_msg="soft answer")
    assert result["hard_slope"] == 0.0 and result["soft_slope"] > 0.0
    gaps = result["gap_at_sharpness"]
    assert gaps["s40"] < 0.1 * gaps["s1"], "a sharper softmax must approach the hard lookup"
    sharp = run("soft_lookup", sharpness=40.0, query_angle=12)["result"]
    assert sharp["gap"] < result["gap"]
    (figure,) = run("soft_lookup", sharpness=4.0, query_angle=12)["figures"]
    bars, curve = figure["concat"]
    heights = [row["value"] for row in bars["layer"][0]["data"]["values"]]
    np.testing.assert_allclose(heights, weights, rtol=1e-12, err_msg="bar heights")
    hard_line = curve["layer"][-1]["data"]["values"][0]
    assert hard_line["value"] == 10.0 and hard_line["label"].startswith("hard")


def test_score_memory_facts():
    result = run("score_memory")["result"]
    table = result["table"]
    for T in (512, 4096, 131072):
        assert table[f"T{T}"]["bytes"] == T * T * 2, f"fp16 bytes for T={T}"
    assert table["T512"]["mib"] == 0.5 and table["T512"]["human"] == "0.5 MiB"
    assert table["T4096"]["mib"] == 32 and table["T4096"]["human"] == "32 MiB"
    assert table["T131072"]["gib"] == 32 and table["T131072"]["human"] == "32 GiB"
    assert table["T4096"]["flops"] == 4 * 4096 ** 2 * 64
    assert result["formula_matches_numpy"]
    # Per layer: 4 T^2 d_model FLOPs of scores and mixing (all heads), 8 T d_model^2 of
    # projections; they are equal at T = 2 d_model.
    d_model = result["d_model"]
    assert result["crossover_T"] == 2 * d_model == 1536
    fp32 = run("score_memory", dtype="float32", T=512)["result"]
    assert fp32["bytes"] == 512 * 512 * 4 and fp32["human"] == "1 MiB"
    (figure,) = run("score_memory", dtype="float32", T=512)["figures"]
    points = [row for row in figure["layer"][0]["data"]["values"]]
    assert [row["x"] for row in points] == [2.0 ** n for n in range(7, 18)]
    np.testing.assert_allclose([row["y"] for row in points],
                               [(2 ** n) ** 2 * 4 / 2 ** 20 for n in range(7, 18)], rtol=1e-12,
                               err_msg="MiB per head (float32)")
    encoding = figure["layer"][0]["layer"][0]["encoding"]
    assert encoding["x"]["scale"] == {"type": "log"} and encoding["y"]["scale"] == {"type": "log"}


@pytest.mark.parametrize("mistake", ["zero after", "score 0"])
def test_mask_mistake_leaks_the_future(mistake):
    result = run("mask_mistake", mistake=mistake)["result"]
    assert result["right"]["leak"] == 0.0, "correct masking must not see the last token"
    np.testing.assert_allclose(result["right"]["row_sums"], 1.0, rtol=1e-12, err_msg="rows")
    assert result["wrong"]["leak"] > 1e-3, f"{mistake}: the future should leak"
    if mistake == "zero after":
        assert result["wrong"]["row_sums"][0] < 0.99
    else:
        assert result["wrong"]["future_weight"] > 0.0


def test_check_yourself_starts_wrong_and_accepts_a_solution():
    outcome = run("check_yourself")
    assert outcome["result"]["correct"] is False
    assert "Not yet" in outcome["stdout"]
    path = DEMO_DIR / "check_yourself.py"
    source = path.read_text(encoding="utf-8")
    starter = "weights = scores  # <- your turn"
    assert starter in source
    solved = source.replace(
        starter,
        "weights = pc.softmax(np.where(pc.causal_mask(3), scores, -np.inf))  # solved",
    )
    outcome = run_demo(solved, filename=str(path))
    assert outcome["error"] is None, outcome["error"]
    assert outcome["result"]["correct"] is True
    assert "Correct" in outcome["stdout"]


def test_chapter_quotes_results_not_typed_numbers():
    text = CHAPTER.read_text(encoding="utf-8")
    for name in DEMOS:
        assert f'{{{{ demo("04/{name}") }}}}' in text, f"chapter does not embed 04/{name}"
    for path in ("tex.scores", "table.T512.mib", "table.T4096.mib", "table.T131072.gib"):
        assert path in text, f"chapter does not quote {path}"
    prose = re.sub(r"\{\{.*?\}\}", "", text)
    for typed in ("0.274", "0.452", "0.5 MiB", "32 MiB", "32 GiB"):
        assert typed not in prose, f"{typed!r} is typed by hand in the chapter"


def test_rendered_chapter_shows_the_computed_numbers():
    """Render the chapter's macros with the build hook: the page shows what the demos compute."""
    pytest.importorskip("mkdocs")
    from hooks import demo_macros as hook

    markdown, placeholders = hook.render_markdown(CHAPTER.read_text(encoding="utf-8"), "04")
    assert len([token for token in placeholders if not hook.is_result_token(token)]) == len(DEMOS)
    # {{ result }} values are placeholders for Markdown, swapped for the escaped value in the
    # HTML: a matrix's "&" is escaped once there (KaTeX reads "&"; twice, it would show "amp;").
    assert any(r"\begin{bmatrix}1 &amp; 1 &amp; 1 \\ " in value for value in placeholders.values())
    assert not any("&amp;amp;" in value for value in placeholders.values())
    markdown = hook.with_results(markdown, placeholders)  # what the reader reads
    assert r"QK^\top = \begin{bmatrix}1 & 1 & 1 \\ 1 & 1 & 1 \\ 1 & 1 & 2\end{bmatrix}" in markdown
    sat = np.exp([0.5, 0.5, 1.0]) / (2 * np.exp(0.5) + np.exp(1.0))
    assert f"weight {sat[2]:.3f} against\n{sat[0]:.3f} on each other" in markdown
    assert "$q = (6, 0)$" in markdown and "$k = (1, 0)$" in markdown
    assert "$v = (1, 0)$" in markdown and f"= {6 / np.sqrt(2):.2f}$" in markdown
    it_on_cat = np.exp(6 / np.sqrt(2)) / (np.exp(6 / np.sqrt(2)) + 3)
    assert f"“it” puts {it_on_cat:.2f} on “cat”" in markdown
    assert "1,536 tokens at GPT-2 small's" in markdown
    for memory in ("0.5 MiB at $T = 512$", "32 MiB at 4,096", "32 GiB at 131,072"):
        assert memory in markdown, f"the page does not say {memory!r}"


def test_one_query_three_ways_to_mix_the_past():
    """Recomputed with plain NumPy from the demo's made-up vectors (one-hot x, d_k = 2)."""
    outcome = run("one_query")
    result = outcome["result"]
    np.testing.assert_array_equal(result["q"], [6, 0])  # x_it W_Q: "look hard for a noun"
    np.testing.assert_array_equal(result["k"], [[0, 0], [1, 0], [0, 1], [0, 0]])
    np.testing.assert_array_equal(result["v"], [[0, 0], [1, 0], [0, 1], [0, 0]])
    weights = result["weights"]
    np.testing.assert_allclose(weights["uniform"], [0.25] * 4)
    # "it" scores 6 / sqrt(2) on "cat" and 0 on the other three visible keys.
    e = np.exp(6 / np.sqrt(2))
    np.testing.assert_allclose(weights["attention"], np.array([1, e, 1, 1]) / (e + 3))
    assert result["it_on_cat"] > 0.95
    assert result["it_cat_score"] == pytest.approx(6 / np.sqrt(2))
    np.testing.assert_allclose(result["output"]["attention"], [e / (e + 3), 1 / (e + 3)])
    np.testing.assert_allclose(result["output"]["uniform"], [0.25, 0.25])
    # Q = K = V = X: x_i . x_j / 2 is 1/2 on the diagonal, 0 elsewhere: each token prefers
    # itself, and "it" gets back mostly its own vector, not the noun's.
    np.testing.assert_allclose(weights["identity"],
                               np.exp([0, 0, 0, 0.5]) / np.exp([0, 0, 0, 0.5]).sum())
    assert result["identity_symmetric"] and result["identity_self_preferred"] == 4
    _, heatmap = outcome["figures"]
    np.testing.assert_allclose(
        heatmap_values(heatmap)[3], weights["attention"], err_msg="heatmap row of 'it'")


@pytest.mark.parametrize("query, expected_top", [("sat", "cat"), ("cat", "sat")])
def test_one_query_other_queries_find_their_partner(query, expected_top):
    """A verb looks for a noun and a noun for a verb (when one is visible)."""
    result = run("one_query", query=query, mixing="uniform")["result"]
    tokens = ["the", "cat", "sat", "it"]
    weights = result["weights"]["attention"]
    if query == "cat":  # "sat" comes later: the causal mask hides it, nothing to find
        np.testing.assert_allclose(weights, [0.5, 0.5, 0, 0])
    else:
        assert tokens[int(np.argmax(weights))] == expected_top
