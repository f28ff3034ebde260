"""demos/13/flash_attention.py: tiled attention equals naive attention; byte counts from shapes."""
import pytest


def test_default_run_matches_naive_attention(cpython_run):
    outcome = cpython_run("13/flash_attention")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    assert result["max_diff"] < 1e-12
    T, d, b = result["T"], result["d_head"], result["block_size"]
    assert result["naive_score_bytes"] == T * T * 8  # float64 (T, T) scores
    assert result["tiled_tile_bytes"] == b * b * 8  # one (B_r, B_c) tile
    assert result["tiled_state_bytes"] == (T * d + 2 * T) * 8  # O, m, l
    assert "tracemalloc" in outcome["stdout"]


@pytest.mark.parametrize("T, block, causal", [(96, 16, True), (64, 128, False), (160, 48, True)])
def test_any_block_size_gives_the_same_output(run_with, T, block, causal):
    result = run_with("13/flash_attention", T=T, block_size=block, causal=causal)
    assert result["max_diff"] < 1e-12, f"max_diff {result['max_diff']} at T={T}, block={block}"
    assert result["tiled_tile_bytes"] == min(block, T) ** 2 * 8
    assert result["naive_score_bytes"] == T * T * 8


def test_figure_plots_both_memories(cpython_run):
    outcome = cpython_run("13/flash_attention")
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "lines" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    naive = {row["x"]: row["y"] for row in rows if row["series"].startswith("naive")}
    tiled = {row["x"]: row["y"] for row in rows if row["series"].startswith("tiled")}
    assert sorted(naive) == sorted(tiled) == list(range(32, 1025, 32))
    T, b = result["T"], result["block_size"]
    assert naive[T] == result["naive_score_bytes"] / 2**20
    assert tiled[T] == pytest.approx(
        (result["tiled_tile_bytes"] + result["tiled_state_bytes"]) / 2**20, rel=1e-12)
    assert naive[1024] == 1024 * 1024 * 8 / 2**20
    assert tiled[1024] == pytest.approx((b * b + 1024 * result["d_head"] + 2 * 1024) * 8 / 2**20,
                                        rel=1e-12)
