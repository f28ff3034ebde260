"""demos/12/schedule.py: the plotted learning rates follow warm-up + cosine, written out here."""
import math

from numpy.testing import assert_allclose


def _expected(step, warmup, total, max_lr, min_lr):
    if step < warmup:
        return max_lr * (step + 1) / warmup
    progress = (step - warmup) / (total - warmup)
    return min_lr + (max_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def test_probes_follow_the_formula(run_with):
    for warmup, total, max_lr, fraction in ((100, 1000, 0.0006, 0.1), (0, 500, 0.003, 0.0),
                                            (250, 2000, 0.001, 0.5)):
        result = run_with("12/schedule", warmup_steps=warmup, total_steps=total,
                          max_lr=max_lr, min_lr_fraction=fraction)
        min_lr = fraction * max_lr
        expected = [_expected(s, warmup, total, max_lr, min_lr) for s in result["probe_steps"]]
        assert_allclose(result["probe_lrs"], expected, rtol=1e-12, atol=1e-15,
                        err_msg=f"probe_lrs, warmup={warmup}, total={total}")
        assert_allclose(result["min_lr"], min_lr, rtol=1e-12)


def test_peak_after_warmup_and_floor_at_the_end(run_with):
    result = run_with("12/schedule")
    steps, lrs = result["probe_steps"], result["probe_lrs"]
    assert steps[2] == result["warmup_steps"]
    assert_allclose(lrs[2], result["max_lr"], rtol=1e-12, err_msg="lr at the end of warm-up")
    assert_allclose(lrs[-1], result["min_lr"], rtol=1e-4, err_msg="lr at the last step")


def test_figure_follows_the_formula(cpython_run):
    outcome = cpython_run("12/schedule")
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "lines" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    steps = [int(row["x"]) for row in rows]
    assert steps[0] == 0 and steps[-1] == result["total_steps"] - 1
    assert result["warmup_steps"] in steps and 200 <= len(steps) <= 260
    expected = [_expected(s, result["warmup_steps"], result["total_steps"], result["max_lr"],
                          result["min_lr"]) for s in steps]
    assert_allclose([row["y"] for row in rows], expected, rtol=1e-12, err_msg="plotted lrs")
