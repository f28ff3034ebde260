"""Each at-scale twin runs at ``--scale test`` on the CPU in seconds, in torch and in pycore,
prints its table, saves a figure and JSON, and gets the physics right at that small size."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bench.twins import TWINS, get_twin  # noqa: E402
from bench.twins.scaling_ablation import _stats_from_weights  # noqa: E402


@pytest.mark.parametrize("backend", ["torch", "numpy"])
@pytest.mark.parametrize("demo_id", sorted(TWINS))
def test_twin_runs_at_test_scale(demo_id, backend, tmp_path, capsys):
    result = get_twin(demo_id).run(backend, "cpu", "test", tmp_path)
    printed = capsys.readouterr().out
    assert demo_id in printed and "figure:" in printed, f"{demo_id} printed no header/figure"
    figure = tmp_path / result["figure"].split("/")[-1]
    assert figure.is_file() and figure.stat().st_size > 1000, f"{demo_id}: no figure saved"
    saved = json.loads(figure.with_suffix(".json").read_text())
    assert saved["demo"] == demo_id and saved["backend"] == backend
    assert saved["generated_by"] == (f"bench/twins/{TWINS[demo_id]}.py: python -m demos run "
                                     f"{demo_id} --backend {backend} --device cpu --scale test")

    if demo_id == "05/scaling_ablation":
        rows = result["rows"]
        for r in rows:  # q.k has variance d_k; scaling brings it back to ~1
            assert abs(r["var_u"] / r["d_k"] - 1) < 0.3, f"unscaled variance at d_k={r['d_k']}"
            assert abs(r["var_s"] - 1) < 0.3, f"scaled variance at d_k={r['d_k']}"
        assert rows[-1]["ent_u"] < rows[-1]["ent_s"], "unscaled attention should be sharper"
    elif demo_id == "13/flash_attention":
        assert all(r["max_abs_diff"] < 1e-5 for r in result["rows"]), "flash != naive"
    elif demo_id == "13/kv_cache":
        assert result["identical_tokens"], "cached and uncached generation differ"
    elif demo_id == "12/train_tiny":
        log = result["log"]
        assert log[-1]["train_loss"] < log[0]["train_loss"], "training did not lower the loss"


def test_committed_results_name_the_twin_that_wrote_them():
    results = sorted((Path(__file__).resolve().parents[2] / "bench/results/twins").glob("*.json"))
    assert results, "no committed twin results"
    for path in results:
        saved = json.loads(path.read_text())
        twin = f"bench/twins/{TWINS[saved['demo']]}.py: python -m demos run {saved['demo']} "
        assert saved["generated_by"].startswith(twin), f"{path.name}: {saved['generated_by']}"


def test_closed_form_jacobian_norm_equals_the_explicit_matrix():
    w = np.random.default_rng(18).dirichlet(np.ones(7), size=5)  # (5, 7) softmax-like rows
    explicit = np.linalg.norm(w[:, :, None] * np.eye(7) - w[:, :, None] * w[:, None, :],
                              axis=(-2, -1))  # ||diag(w) - w w^T||_F per row
    _, jac, _ = _stats_from_weights(w, np)
    assert math.isclose(jac, float(explicit.mean()), rel_tol=1e-12), "Jacobian norm formula"
    _, jac_t, _ = _stats_from_weights(torch.from_numpy(w), torch)
    assert math.isclose(jac_t, jac, rel_tol=1e-12), "torch and numpy statistics differ"


def test_cli_runs_a_twin_a_plain_demo_and_lists(tmp_path, capsys):
    from demos.__main__ import main

    assert main(["run", "13/kv_cache", "--scale", "test", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "13_kv_cache_torch_cpu_test.png").is_file()
    # A demo without a twin runs in pycore by default (no --backend needed).
    assert main(["run", "04/worked_example", "--out", str(tmp_path)]) == 0
    saved = sorted(tmp_path.glob("04_worked_example_*"))
    assert saved, "the plain demo saved no figure"
    for path in saved:  # Vega-Lite specs (pycore.figures) or Matplotlib PNGs
        assert path.name.endswith((".vl.json", ".png")) and path.stat().st_size > 100, path
    assert main(["list"]) == 0
    assert "05/scaling_ablation   [at-scale twin]" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="no at-scale twin"):
        main(["run", "04/worked_example", "--backend", "torch"])
    with pytest.raises(SystemExit, match="runs in pycore on the CPU"):
        main(["run", "04/worked_example", "--device", "cuda"])
    with pytest.raises(ValueError, match="only at --scale test or small"):
        main(["run", "12/train_tiny", "--backend", "numpy", "--scale", "large"])
