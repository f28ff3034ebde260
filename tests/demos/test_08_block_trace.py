"""demos/08/block_trace.py: the traced block against a pre-LN block written out in NumPy here."""
import math
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from demos.params import with_values

DEMO = Path(__file__).resolve().parents[2] / "demos" / "08" / "block_trace.py"


def _layer_norm(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def _block(x, p, h, activation):
    """Pre-LN block (Xiong et al. 2020, eq. for Pre-LN) in plain NumPy."""
    B, T, d = x.shape
    dh = d // h
    a = _layer_norm(x, p["attn_norm"]["gamma"], p["attn_norm"]["beta"])
    att = p["attn"]

    def heads(m):
        return m.reshape(B, T, h, dh).transpose(0, 2, 1, 3)

    q = heads(a @ att["W_q"] + att["b_q"])
    k = heads(a @ att["W_k"] + att["b_k"])
    v = heads(a @ att["W_v"] + att["b_v"])
    s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(dh)
    s = s + np.triu(np.full((T, T), -1e30), k=1)
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    o = (w @ v).transpose(0, 2, 1, 3).reshape(B, T, d) @ att["W_o"] + att["b_o"]
    hid = x + o
    f = _layer_norm(hid, p["ffn_norm"]["gamma"], p["ffn_norm"]["beta"])
    ff = p["ffn"]
    if activation == "swiglu":
        g = f @ ff["W_gate"]
        out = (g / (1 + np.exp(-g)) * (f @ ff["W_up"])) @ ff["W_down"]
    else:
        z = f @ ff["W1"] + ff["b1"]
        if activation == "relu":
            z = np.maximum(z, 0)
        else:
            z = 0.5 * z * (1 + np.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z**3)))
        out = z @ ff["W2"] + ff["b2"]
    return hid + out


def test_default_run(cpython_run):
    outcome = cpython_run("08/block_trace")
    assert outcome["error"] is None, outcome["error"]
    r = outcome["result"]
    assert r["y_shape"] == [2, r["T"], r["d_model"]]
    assert r["hidden_shape"] == [2, r["T"], 4 * r["d_model"]]
    assert r["weights_shape"] == [2, r["h"], r["T"], r["T"]]
    assert r["max_abs_diff_vs_pycore"] <= 1e-10


@pytest.mark.parametrize("activation, T, d_model, h", [("gelu", 6, 32, 4), ("relu", 3, 16, 2),
                                                       ("swiglu", 9, 64, 8)])
def test_traced_block_equals_numpy_block(activation, T, d_model, h):
    source = with_values(DEMO.read_text(encoding="utf-8"), activation=activation, T=T,
                   d_model=d_model, h=h)
    namespace = {"__name__": "__main__"}
    exec(compile(source, str(DEMO), "exec"), namespace)
    x = namespace["x"]
    layer = namespace["layer"]
    assert_allclose(namespace["y"], _block(x, layer, h, activation), rtol=1e-10, atol=1e-12,
                    err_msg="traced block output y")
    # Both sublayers really change the stream, so the comparison above has something to check.
    assert np.max(np.abs(namespace["h_mid"] - x)) > 1e-4
    assert np.max(np.abs(namespace["y"] - namespace["h_mid"])) > 1e-4
    if activation == "swiglu":
        assert namespace["d_ff"] == 8 * d_model // 3
