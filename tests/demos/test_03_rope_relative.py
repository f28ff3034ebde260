"""demos/03/rope_relative.py: RoPE scores depend only on m - n; added encodings do not."""
import numpy as np
from numpy.testing import assert_allclose


def test_relative_only(run_with):
    for shift in (100, 0, 1000):
        result = run_with("03/rope_relative", shift=shift)
        assert result["toeplitz_error"] < 1e-12
        assert result["shift_error"] < 1e-11, f"shift={shift}"
        assert result["norm_error"] < 1e-12
        assert result["additive_toeplitz_error"] > 0.1


def test_scores_against_complex_rotation(run_with):
    """Independent: a pair is a complex number; rotating by a multiplies by exp(i a)."""
    result = run_with("03/rope_relative")
    rng = np.random.default_rng(7)  # the demo's seed and draws
    q, k = rng.standard_normal(16), rng.standard_normal(16)
    theta = 10000.0 ** (-np.arange(0, 16, 2) / 16)
    zq, zk = q[0::2] + 1j * q[1::2], k[0::2] + 1j * k[1::2]
    n = np.arange(24)[:, None]
    # q at m = 0 and k at n: sum_i Re(zq * conj(zk * exp(i n theta_i)))
    expected = np.real(zq * np.conj(zk * np.exp(1j * n * theta))).sum(axis=1)
    assert_allclose(result["scores_row0"], expected, atol=1e-12, err_msg="q_0 . k_n")


def _matrix(panel):
    cells = panel["data"]["values"]
    out = np.zeros((1 + max(c["r"] for c in cells), 1 + max(c["c"] for c in cells)))
    for cell in cells:
        out[cell["r"], cell["c"]] = cell["value"]
    return out


def test_figure_shows_both_score_matrices(cpython_run):
    outcome = cpython_run("03/rope_relative")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "panels" and figure["usermeta"]["itt"]["caption"]
    rope, added = (_matrix(panel) for panel in figure["concat"])
    assert rope.shape == added.shape == (24, 24)
    # The figure shows the scores to 10 decimals (so the page agrees on ties).
    assert_allclose(rope[0], result["scores_row0"], rtol=0, atol=1e-10, err_msg="RoPE row 0")
    m, n = np.indices((24, 24))
    for offset in range(-23, 24):  # every diagonal is constant for RoPE, not for added PE
        assert np.ptp(rope[m - n == offset]) < 1e-12, f"RoPE diagonal {offset}"
    assert_allclose(max(np.ptp(added[m - n == offset]) for offset in range(-23, 24)),
                    result["additive_toeplitz_error"], rtol=0, atol=1e-9)
    for panel in figure["concat"]:
        color = panel["layer"][0]["encoding"]["color"]
        assert color["scale"]["range"] == "diverging" and color["scale"]["domainMid"] == 0.0
        assert panel["encoding"]["y"]["title"] == "query position m"
