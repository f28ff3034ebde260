"""demos/13/kv_cache.py: cached and uncached generation agree, the work counts add up, and at
the default length the cache wins the race on lm_tiny."""
import numpy as np

import pycore as pc


def test_cached_and_uncached_tokens_are_identical(cpython_run):
    outcome = cpython_run("13/kv_cache")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    assert result["identical"] is True
    assert result["n_tokens"] == result["T_prompt"] + result["n_new"]
    model, tok = pc.load_pretrained("lm_tiny")
    assert result["T_prompt"] == len(tok.encode("The attention ")) and result["batch"] == 8
    assert result["n_tokens"] <= model.config.max_len
    (figure,) = outcome["figures"]  # the work both ways, deterministic
    assert figure["usermeta"]["itt"]["kind"] == "lines" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    T0 = result["T_prompt"]
    for name, work in (("no cache (recompute)", lambda n: sum(T0 + t for t in range(n))),
                       ("KV cache", lambda n: T0 + n - 1)):
        points = {row["x"]: row["y"] for row in rows if row["series"] == name}
        assert sorted(points) == list(range(8, 49, 8)), name
        assert all(points[n] == work(int(n)) for n in points), name
    n = result["n_new"]
    assert points[n] == result["positions_cached"]
    # 48 new tokens: 29.5x fewer positions; the prose says the cache is faster here.
    assert result["work_ratio"] > 29
    assert not any("second" in key or "speed" in key for key in result), "timings in result"


def test_the_cache_wins_the_race_at_the_default_length():
    """The prose says the cache wins on lm_tiny's batch of 8 at 48 new tokens: time it here,
    the two ways taking turns and keeping their fastest of three runs."""
    import time

    model, tok = pc.load_pretrained("lm_tiny")
    prompts = ["The attention ", "Each head has ", "The residual s", "A token is a p",
               "The softmax of", "Training a mod", "The KV cache s", "Decoding one t"]
    prompt = np.array([tok.encode(p) for p in prompts])  # (8, 14)
    best = {True: float("inf"), False: float("inf")}
    for _ in range(3):
        for use_cache in (True, False):
            start = time.perf_counter()
            pc.generate(model, prompt, 48, greedy=True, use_cache=use_cache)
            best[use_cache] = min(best[use_cache], time.perf_counter() - start)
    assert best[False] / best[True] > 1.5, best  # about 4x on an idle machine


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
