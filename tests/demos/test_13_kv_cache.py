"""demos/13/kv_cache.py: cached and uncached generation agree, and the work counts add up."""
import numpy as np


def test_cached_and_uncached_tokens_are_identical(cpython_run):
    outcome = cpython_run("13/kv_cache")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    assert result["identical"] is True
    assert result["n_tokens"] == result["T_prompt"] + result["n_new"]
    (figure,) = outcome["figures"]  # the work both ways, deterministic (timings are printed)
    assert figure["usermeta"]["itt"]["kind"] == "lines" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    T0 = result["T_prompt"]
    for name, work in (("no cache (recompute)", lambda n: sum(T0 + t for t in range(n))),
                       ("KV cache", lambda n: T0 + n - 1)):
        points = {row["x"]: row["y"] for row in rows if row["series"] == name}
        assert sorted(points) == list(range(8, 113, 8)), name
        assert all(points[n] == work(int(n)) for n in points), name
    n = result["n_new"]
    assert points[n] == result["positions_cached"]


def test_positions_processed_match_the_arithmetic_series(run_with):
    result = run_with("13/kv_cache", n_new=16)
    T0, N = result["T_prompt"], 16
    assert result["identical"] is True
    # With the cache: the prompt once, then one token per step after the first.
    assert result["positions_cached"] == T0 + N - 1
    # Without: step t re-runs T0 + t tokens, t = 0 .. N-1.
    assert result["positions_uncached"] == N * T0 + N * (N - 1) // 2
    np.testing.assert_allclose(result["work_ratio"],
                               result["positions_uncached"] / result["positions_cached"],
                               rtol=1e-12, err_msg="work_ratio")
