"""demos/13/roofline.py: the roofline arithmetic, recomputed by hand from the model's shape."""
import pytest


def test_batch_one_is_memory_bound(cpython_run):
    outcome = cpython_run("13/roofline")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    assert r["hardware"] == "TPU v4" and r["batch"] == 1
    assert r["ridge"] == pytest.approx(275e12 / 1.2e12)
    N = 8.03e9
    kv = 2 * 32 * 8 * 128 * r["T"] * 2  # K and V, layers, KV heads, d_head, tokens, fp16
    flops = 2 * N + 4 * 32 * r["T"] * 4096
    assert r["intensity"] == pytest.approx(flops / (2 * N + kv))
    assert 0.9 < r["intensity"] < 1.1  # about one FLOP per byte read at batch 1
    assert r["share_of_peak"] == pytest.approx(r["intensity"] / r["ridge"])
    assert r["share_of_peak"] < 0.01
    assert r["step_ms"] == pytest.approx(1000 * (2 * N + kv) / 1.2e12)
    assert r["kv_limit"] == pytest.approx(flops / kv)
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "lines" and figure["usermeta"]["itt"]["caption"]


@pytest.mark.parametrize("hardware", ["A100 80GB", "H100 SXM"])
def test_large_batch_without_cache_reaches_the_compute_roof(run_with, hardware):
    r = run_with("13/roofline", hardware=hardware, batch=512, T=0)
    assert r["kv_limit"] is None
    assert r["intensity"] == pytest.approx(512)  # weights only: B FLOPs per byte
    assert r["intensity"] > r["ridge"] and r["share_of_peak"] == 1.0


def test_long_context_caps_the_intensity(run_with):
    r = run_with("13/roofline", batch=512, T=8192)
    assert r["intensity"] < r["kv_limit"] < r["ridge"]  # never compute-bound at this context


def test_figure_throughput_recomputed_and_growing_with_batch(cpython_run):
    """Every point of the figure by hand (batch 16 at T = 1024 overflowed 32-bit integers in
    the browser once), and throughput never falls as the batch grows."""
    outcome = cpython_run("13/roofline")
    r = outcome["result"]
    (figure,) = outcome["figures"]
    rows = figure["layer"][0]["data"]["values"]
    peak, bandwidth, N = 275e12, 1.2e12, 8.03e9
    for T, name in ((r["T"], f"{r['T']} cached tokens"), (0, "weights only (T = 0)")):
        points = sorted((row["x"], row["y"]) for row in rows if row["series"] == name)
        assert [x for x, _ in points] == [2 ** i for i in range(10)]
        for B, y in points:
            kv = 2 * 32 * 8 * 128 * T * 2
            flops = B * (2 * N + 4 * 32 * T * 4096)
            seconds = max(flops / peak, (2 * N + B * kv) / bandwidth)
            assert y == pytest.approx(B / seconds), (name, B)
        ys = [y for _, y in points]
        assert all(b >= a for a, b in zip(ys, ys[1:])), name
