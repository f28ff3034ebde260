"""demos/12/masked_vs_next.py: both losses recomputed with NumPy, and the position counts."""
import numpy as np
from numpy.testing import assert_allclose

import pycore as pc

TEXT = "the cat sat on the mat. the dog sat on the log. " * 4


def _cross_entropy(logits, targets):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-np.take_along_axis(log_probs, targets[..., None], axis=-1).mean())


def test_losses_and_counts(run_with):
    result = run_with("12/masked_vs_next")
    chars = sorted(set(TEXT))
    data = np.array([chars.index(c) for c in TEXT])  # (N,)
    V = len(chars)
    config = pc.TransformerConfig(vocab_size=V + 1, d_model=32, n_heads=2, n_layers=1,
                                  d_ff=64, max_len=16)
    rng = np.random.default_rng(0)
    starts = rng.integers(0, data.size - 16, size=8)
    ids = data[starts[:, None] + np.arange(16)]  # (B, T)
    targets = data[starts[:, None] + np.arange(16) + 1]  # (B, T)
    assert result["positions"] == result["next_positions"] == ids.size
    assert_allclose(result["next_loss"],
                    _cross_entropy(pc.DecoderLM(config, seed=0)(ids), targets), rtol=1e-10,
                    err_msg="next_loss")
    # The same random draws as the demo, in the same order.
    chosen = rng.random(ids.shape) < 0.15
    action = rng.random(ids.shape)
    corrupted = ids.copy()
    corrupted[chosen & (action < 0.8)] = V
    swap = chosen & (action >= 0.8) & (action < 0.9)
    corrupted[swap] = rng.integers(0, V, size=int(swap.sum()))
    encoder = pc.Encoder(config, seed=0)
    logits = encoder(corrupted) @ encoder.params["tokens"].T  # (B, T, V + 1)
    assert result["masked_positions"] == int(chosen.sum())
    assert_allclose(result["masked_loss"], _cross_entropy(logits[chosen], ids[chosen]),
                    rtol=1e-10, err_msg="masked_loss")
    assert result["masked_positions"] < result["next_positions"]


def test_mask_rate_sets_the_fraction(run_with):
    for rate in (0.15, 0.5):
        result = run_with("12/masked_vs_next", mask_rate=rate)
        # 128 Bernoulli(rate) draws: within 4 standard deviations of the rate.
        assert abs(result["masked_fraction"] - rate) < 4 * (rate * (1 - rate) / 128) ** 0.5
