"""demos/13/speculative.py: acceptance statistics are consistent; one step reproduces p exactly."""
import numpy as np
import pytest


def _check(result, n_draft):
    assert result["n_new"] == 48
    # Each target call yields the accepted drafts plus one token of its own.
    np.testing.assert_allclose(result["tokens_per_target_call"], 48 / result["target_calls"],
                               rtol=1e-12, err_msg="tokens_per_target_call")
    assert 1.0 <= result["tokens_per_target_call"] <= n_draft + 1
    assert 0.0 <= result["acceptance_rate"] <= 1.0
    assert 0.0 < result["expected_acceptance"] <= 1.0
    assert result["max_distribution_error"] < 1e-12


def test_default_run(cpython_run):
    outcome = cpython_run("13/speculative")
    assert outcome["error"] is None, outcome["error"]
    _check(outcome["result"], outcome["result"]["n_draft"])
    # lm_draft really drafts for lm_tiny: more than one token per target call at gamma 4
    assert outcome["result"]["tokens_per_target_call"] > 1.5
    (figure,) = outcome["figures"]  # p, q and the verified output for 8 characters
    assert figure["usermeta"]["itt"]["kind"] == "bars" and figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    bars = {name: [row["value"] for row in rows if row["group"] == name]
            for name in ("target p", "draft q", "after verify")}
    assert all(len(values) == 8 for values in bars.values())
    assert bars["target p"] == sorted(bars["target p"], reverse=True), "likeliest first"
    np.testing.assert_allclose(bars["after verify"], bars["target p"], rtol=0, atol=1e-12,
                               err_msg="verification reproduces the target's p")
    assert bars["draft q"] != bars["target p"]


@pytest.mark.parametrize("n_draft, temperature", [(1, 1.0), (6, 0.7)])
def test_other_settings(run_with, n_draft, temperature):
    _check(run_with("13/speculative", n_draft=n_draft, temperature=temperature), n_draft)


def test_one_step_output_distribution_is_the_target_independently():
    """The identity the demo checks numerically, on random p and q, written out here."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        p = rng.dirichlet(np.ones(7))
        q = rng.dirichlet(np.ones(7))
        kept = np.minimum(p, q)  # q(x) min(1, p(x)/q(x))
        residual = np.maximum(p - q, 0)
        out = kept + (1 - kept.sum()) * residual / residual.sum()
        np.testing.assert_allclose(out, p, atol=1e-12, err_msg="one-step distribution")


def test_runs_the_shipped_target_and_draft(run_with):
    import pycore as pc

    result = run_with("13/speculative", n_draft=3)
    target, tok = pc.load_pretrained("lm_tiny")
    draft, _ = pc.load_pretrained("lm_draft")
    prompt = np.array(tok.encode("The attention "))
    _, stats = pc.speculative_generate(target, draft, prompt, 48, n_draft=3, temperature=1.0,
                                       seed=0)
    assert stats["target_calls"] == result["target_calls"]
    assert stats["acceptance_rate"] == result["acceptance_rate"]
