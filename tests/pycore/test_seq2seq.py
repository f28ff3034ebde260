"""Tests for pycore.seq2seq: encoder-decoder gradients vs finite differences, translation.

Every parameter of both stacks is checked on a sample of its entries (central differences in
float64), for configs covering pre/post norm, LayerNorm/RMSNorm, every positional scheme and
padded sources, so the gradient that reaches the encoder through cross-attention is tested.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_block import randomise

import pycore as pc
from pycore.dates import date_tokenizer
from pycore.seq2seq import seq2seq_forward, translate

TINY = dict(vocab_size=7, d_model=8, n_heads=2, n_layers=2, d_ff=6, max_len=6)

CONFIGS = {
    "pre-layer-learned-gelu-tied": dict(),
    "post-layer-sinusoidal-relu-untied": dict(norm_position="post", positional="sinusoidal",
                                              activation="relu", tie_embeddings=False),
    "pre-rms-rope-swiglu-gqa": dict(norm="rms", positional="rope", activation="swiglu",
                                    n_heads=4, n_kv_heads=2),
    "post-rms-alibi-gelu-mqa": dict(norm_position="post", norm="rms", positional="alibi",
                                    n_heads=4, n_kv_heads=1),
}


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||)."""
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def setup(name, seed=0):
    config = pc.TransformerConfig(**dict(TINY, **CONFIGS[name]))
    rng = np.random.default_rng(seed)
    params = randomise(pc.init_params(config, kind="seq2seq"), rng)
    src = rng.integers(0, 7, size=(2, 6))
    tgt_in = rng.integers(0, 7, size=(2, 5))
    tgt_out = rng.integers(0, 7, size=(2, 5))
    return config, params, src, tgt_in, tgt_out


def check_against_finite_differences(name, params, f, grads, central_differences,
                                     picks_per_param=4):
    flat_p, flat_g = pc.flatten_params(params), pc.flatten_params(grads)
    assert set(flat_g) == set(flat_p), f"{name}: gradient names differ from parameter names"
    rng = np.random.default_rng(1)
    for pname, p in flat_p.items():
        g = flat_g[pname]
        assert g.shape == p.shape and g.dtype == p.dtype, f"{name}: d{pname} shape/dtype"
        picks = rng.choice(p.size, size=min(p.size, picks_per_param), replace=False)
        analytic, numeric = g.flat[picks], central_differences(f, p, picks)
        if np.abs(numeric).max() < 1e-9:
            # Key biases shift every score of a query equally (softmax is shift-invariant) and
            # unused embedding rows get nothing: both gradients are exactly zero.
            np.testing.assert_allclose(analytic, 0, atol=1e-10, err_msg=f"{name}: d{pname}")
            continue
        err = relative_error(analytic, numeric)
        assert err < 1e-6, f"{name}: d{pname} relative error {err:.2e}"


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_seq2seq_grads_finite_differences(name, central_differences):
    config, params, src, tgt_in, tgt_out = setup(name)
    lengths = np.array([6, 4])  # second source padded: its last two keys are masked
    tgt_out[1, 3] = -1  # one ignored target position
    kwargs = dict(src_lengths=lengths, ignore_index=-1, config=config)
    loss, grads = pc.seq2seq_loss_and_grads(params, src, tgt_in, tgt_out, **kwargs)

    def f():
        return pc.seq2seq_loss_and_grads(params, src, tgt_in, tgt_out, **kwargs)[0]

    check_against_finite_differences(name, params, f, grads, central_differences)


def test_every_entry_of_a_tiny_model():
    """One small config, every entry of every parameter, no padding."""
    config = pc.TransformerConfig(vocab_size=5, d_model=4, n_heads=2, n_layers=1, d_ff=3,
                                  max_len=4, tie_embeddings=False)
    rng = np.random.default_rng(3)
    params = randomise(pc.init_params(config, kind="seq2seq"), rng)
    src, tgt_in, tgt_out = (rng.integers(0, 5, size=(2, 4)) for _ in range(3))
    _, grads = pc.seq2seq_loss_and_grads(params, src, tgt_in, tgt_out, config=config)
    for pname, p in pc.flatten_params(params).items():
        numeric = pc.numerical_gradient(
            lambda: pc.seq2seq_loss_and_grads(params, src, tgt_in, tgt_out, config=config)[0],
            p, h=1e-5)
        analytic = pc.flatten_params(grads)[pname]
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9,
                                   err_msg=f"d{pname}")


def test_loss_matches_model_forward_and_encoder_gets_gradient():
    config, params, src, tgt_in, tgt_out = setup("pre-layer-learned-gelu-tied", seed=5)
    model = pc.Seq2Seq(config, params=params)
    lengths = np.array([5, 3])
    loss, grads = pc.seq2seq_loss_and_grads(model, src, tgt_in, tgt_out, src_lengths=lengths)
    logits = model.forward(src, tgt_in, src_lengths=lengths)  # (B, T, V)
    np.testing.assert_allclose(loss, pc.cross_entropy(logits, tgt_out), rtol=1e-12,
                               err_msg="loss vs Seq2Seq.forward")
    logits2 = seq2seq_forward(params, config, src, tgt_in, lengths)[0]
    np.testing.assert_allclose(logits2, logits, rtol=1e-12, err_msg="seq2seq_forward logits")
    assert np.abs(grads["encoder"]["layers"][0]["attn"]["W_q"]).max() > 1e-6


def test_padding_positions_get_no_gradient():
    """A source token only at padded positions must not receive any embedding gradient."""
    config, params, src, tgt_in, tgt_out = setup("pre-rms-rope-swiglu-gqa", seed=2)
    src = np.array([[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 0, 0]])  # id 0 appears only as padding
    _, grads = pc.seq2seq_loss_and_grads(params, src, tgt_in, tgt_out,
                                         src_lengths=np.array([6, 4]), config=config)
    np.testing.assert_allclose(grads["encoder"]["tokens"][0], 0, atol=0,
                               err_msg="encoder tokens[0] (padding only)")
    assert np.abs(grads["encoder"]["tokens"][1]).max() > 0


def test_bad_inputs():
    config, params, src, tgt_in, tgt_out = setup("pre-layer-learned-gelu-tied")
    with pytest.raises(TypeError, match="model must be a Seq2Seq, or a params dict"):
        pc.seq2seq_loss_and_grads(params, src, tgt_in, tgt_out)
    with pytest.raises(ValueError, match="batch sizes B must agree"):
        pc.seq2seq_loss_and_grads(params, src, tgt_in[:1], tgt_out[:1], config=config)
    with pytest.raises(ValueError, match="src_lengths has shape"):
        pc.seq2seq_loss_and_grads(params, src, tgt_in, tgt_out, config=config,
                                  src_lengths=np.array([3]))
    model = pc.Seq2Seq(config, params=params)
    with pytest.raises(ValueError, match=r"tgt_ids has shape \(1, \d+\) but src_ids has shape"):
        model.forward(src, tgt_in[:1])  # named, not an internal "memory has shape"


# ---------------------------------------------------------------- PyTorch parity

def torch_seq2seq_loss(torch, p, config, src, tgt_in, tgt_out, lengths):
    """Pre-LN, LayerNorm, learned positions, GELU, tied embeddings: written plainly in torch."""
    F = torch.nn.functional
    d, h = config.d_model, config.n_heads

    def attention(x, kv, q, mask):
        B, T, _ = x.shape
        S = kv.shape[1]
        d_head = q["W_q"].shape[1] // h
        Q = (x @ q["W_q"] + q["b_q"]).view(B, T, h, d_head).transpose(1, 2)  # (B, h, T, d_head)
        K = (kv @ q["W_k"] + q["b_k"]).view(B, S, h, d_head).transpose(1, 2)  # (B, h, S, d_head)
        V = (kv @ q["W_v"] + q["b_v"]).view(B, S, h, d_head).transpose(1, 2)
        scores = (Q @ K.transpose(-1, -2) / d_head ** 0.5).masked_fill(~mask, float("-inf"))
        out = scores.softmax(-1) @ V  # (B, h, T, d_head)
        return out.transpose(1, 2).reshape(B, T, h * d_head) @ q["W_o"] + q["b_o"]

    def norm(x, q):
        return F.layer_norm(x, (d,), q["gamma"], q["beta"], eps=1e-5)

    def ffn(x, q):
        return F.gelu(x @ q["W1"] + q["b1"], approximate="tanh") @ q["W2"] + q["b2"]

    def stack(ids, q, self_mask, memory=None, cross_mask=None):
        x = q["tokens"][ids] + q["positions"][:ids.shape[1]]
        for layer in q["layers"]:
            y = norm(x, layer["attn_norm"])
            x = x + attention(y, y, layer["attn"], self_mask)
            if memory is not None:
                x = x + attention(norm(x, layer["cross_norm"]), memory, layer["cross_attn"],
                                  cross_mask)
            x = x + ffn(norm(x, layer["ffn_norm"]), layer["ffn"])
        return norm(x, q["final_norm"])

    S, T = src.shape[1], tgt_in.shape[1]
    key_real = (torch.arange(S)[None, :] < lengths[:, None])[:, None, None, :]  # (B, 1, 1, S)
    causal = torch.ones(T, T).tril().bool()  # (T, T)
    memory = stack(src, p["encoder"], key_real)
    hidden = stack(tgt_in, p["decoder"], causal, memory, key_real)
    logits = hidden @ p["decoder"]["tokens"].T  # (B, T, V)
    return F.cross_entropy(logits.reshape(-1, config.vocab_size), tgt_out.reshape(-1),
                           ignore_index=-1)


def test_torch_autograd_parity():
    torch = pytest.importorskip("torch")
    config, params, src, tgt_in, tgt_out = setup("pre-layer-learned-gelu-tied", seed=7)
    lengths = np.array([6, 3])
    tgt_out[0, 4] = -1
    loss, grads = pc.seq2seq_loss_and_grads(params, src, tgt_in, tgt_out, src_lengths=lengths,
                                            ignore_index=-1, config=config)

    def to_torch(q):
        if isinstance(q, list):
            return [to_torch(r) for r in q]
        if isinstance(q, dict):
            return {k: to_torch(r) for k, r in q.items()}
        return torch.tensor(q, requires_grad=True)

    tp = to_torch(params)
    ref = torch_seq2seq_loss(torch, tp, config, torch.tensor(src), torch.tensor(tgt_in),
                             torch.tensor(tgt_out), torch.tensor(lengths))
    ref.backward()
    np.testing.assert_allclose(loss, ref.item(), rtol=1e-12, err_msg="loss")
    flat_t = pc.flatten_params(tp)
    for name, g in pc.flatten_params(grads).items():
        np.testing.assert_allclose(g, flat_t[name].grad.numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=f"d{name}")


def test_translate_shapes_with_an_untrained_model():
    tok = date_tokenizer()
    config = pc.TransformerConfig(vocab_size=tok.vocab_size, d_model=8, n_heads=2, n_layers=1,
                                  d_ff=8, max_len=24)
    model = pc.Seq2Seq(config, seed=0)
    sources = ["1 May 2000", "September 30, 2049", "04/11/2026"]
    outputs, attention = translate(model, tok, sources, max_new_tokens=5,
                                   return_cross_attention=True)
    assert len(outputs) == 3 and all(len(o) <= 5 for o in outputs)
    first = attention[0][0]  # step 0, layer 0: (B, h, 1, S)
    assert first.shape == (3, 2, 1, 18)
    np.testing.assert_allclose(first.sum(-1), 1.0, rtol=1e-12, err_msg="cross-attention rows")
    np.testing.assert_allclose(first[0, :, :, 10:], 0.0, atol=0, err_msg="padding keys")
