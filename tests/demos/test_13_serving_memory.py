"""demos/13/serving_memory.py: per-sequence KV cache and sequences that fit, recomputed here."""
import math

import pytest


def _kv_gb(n_layers, h_kv, d_head, T):
    return 2 * n_layers * h_kv * d_head * T * 2 / 1e9  # K and V, fp16


def test_facts_and_default(cpython_run):
    outcome = cpython_run("13/serving_memory")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    assert round(r["facts"]["llama3_70b_gqa_gb"], 2) == 1.34
    assert round(r["facts"]["llama3_70b_mha_gb"], 1) == 10.7
    # Llama-3-8B on 80 GB at 4,096 tokens: 8.03e9 fp16 parameters, then caches.
    free = 80 - 8.03e9 * 2 / 1e9
    assert r["gqa"]["sequences"] == math.floor(free / _kv_gb(32, 8, 128, 4096))
    assert r["mha"]["sequences"] == math.floor(free / _kv_gb(32, 32, 128, 4096))
    (figure,) = outcome["figures"]  # sequences that fit against T, GQA and not
    assert figure["usermeta"]["itt"]["kind"] == "lines" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    for name, h_kv, key in (("h_kv = 8 (GQA)", 8, "gqa"), ("h_kv = 32 (one per head)", 32, "mha")):
        points = {row["x"]: row["y"] for row in rows if row["series"] == name}
        assert sorted(points) == list(range(1024, 32769, 1024)), name
        assert all(points[T] == math.floor(free / _kv_gb(32, h_kv, 128, T)) for T in points)
        assert points[4096] == r[key]["sequences"]


@pytest.mark.parametrize("model, gpu_gb, T, layers, h, params", [
    ("Llama3-70B", 160, 8192, 80, 64, 70.6e9),
    ("Mistral7B", 24, 32768, 32, 32, 7.24e9),
    ("GPT-3", 640, 2048, 96, 96, 175e9),
])
def test_other_models(run_with, model, gpu_gb, T, layers, h, params):
    r = run_with("13/serving_memory", model=model, gpu_gb=gpu_gb, T=T)
    free = gpu_gb - params * 2 / 1e9
    assert r["gqa"]["cache_gb"] == pytest.approx(_kv_gb(layers, 8, 128, T), rel=1e-12)
    assert r["mha"]["cache_gb"] == pytest.approx(_kv_gb(layers, h, 128, T), rel=1e-12)
    assert r["gqa"]["sequences"] == max(0, math.floor(free / _kv_gb(layers, 8, 128, T)))
    assert r["mha"]["sequences"] == max(0, math.floor(free / _kv_gb(layers, h, 128, T)))


def test_weights_that_do_not_fit_leave_no_room(run_with):
    r = run_with("13/serving_memory", model="GPT-3", gpu_gb=80)
    assert r["gqa"]["sequences"] == 0 and r["mha"]["sequences"] == 0
