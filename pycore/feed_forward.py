"""The position-wise feed-forward network (MLP) of a transformer block, forward and backward.

ReLU / GELU MLP (Vaswani et al. 2017, section 3.3, eq. 2; GELU as in GPT-2/BERT):
    FFN(x) = act(x W1 + b1) W2 + b2,
    W1 (d_model, d_ff), b1 (d_ff,), W2 (d_ff, d_model), b2 (d_model,).
SwiGLU (Shazeer 2020, "GLU Variants Improve Transformer", section 2; used by Llama),
no biases:
    FFN(x) = (silu(x W_gate) * (x W_up)) W_down,
    W_gate (d_model, d_ff), W_up (d_model, d_ff), W_down (d_ff, d_model).

Row-vector convention: x is (..., d_model) and a linear layer is x @ W + b. The same weights
act on every position independently ("position-wise"). Parameter gradients are summed over
all leading (batch, position) dims.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_array,
    as_float_array,
    check_choice,
    check_finite_result,
    check_keys,
    check_saved,
    check_shape,
)
from .activations import gelu, gelu_backward, relu, relu_backward, silu, silu_backward
from .params import ffn_shapes

__all__ = ["feed_forward", "feed_forward_forward", "feed_forward_backward", "FFN_PARAM_NAMES"]

#: The parameter names each activation expects (and the keys of the returned gradients).
FFN_PARAM_NAMES = {a: tuple(ffn_shapes(1, 1, a)) for a in ("relu", "gelu", "swiglu")}
_ACTIVATIONS = tuple(FFN_PARAM_NAMES)


def check_ffn_saved(saved, name: str = "saved") -> None:
    """Check that ``saved`` is what ``feed_forward_forward`` returned (keys, types, params)."""
    spec = {"x": np.ndarray, "params": dict, "activation": str, "gelu_approximate": str,
            "hidden": np.ndarray}
    check_saved(saved, name, spec, "feed_forward_forward")
    activation = check_choice(saved["activation"], f"{name}['activation']", _ACTIVATIONS)
    check_choice(saved["gelu_approximate"], f"{name}['gelu_approximate']", ("tanh", "none"))
    extra = ("gate", "up") if activation == "swiglu" else ("pre",)
    check_saved(saved, name, {n: np.ndarray for n in extra}, "feed_forward_forward")
    check_keys(saved["params"], f"{name}['params']", FFN_PARAM_NAMES[activation])


def _check_params(x, params, activation):
    """Validate x (..., d_model) and the parameter dict; return arrays of one dtype."""
    check_choice(activation, "activation", _ACTIVATIONS)
    names = FFN_PARAM_NAMES[activation]
    check_keys(params, "params", names)
    raw = [as_array(x, "x")] + [as_array(params[n], f"params[{n!r}]") for n in names]
    dtype = np.float32 if all(a.dtype == np.float32 for a in raw) else np.float64
    x = as_float_array(x, "x", dtype=dtype)
    d_model = check_shape(x, "x", "(..., d_model)")
    p = {n: as_float_array(params[n], f"params[{n!r}]", dtype=dtype) for n in names}
    first = names[0]  # W1 or W_gate, (d_model, d_ff)
    d_ff = check_shape(p[first], f"params[{first!r}]", "(d_model, d_ff)")[1]
    expected = ffn_shapes(d_model, d_ff, activation)
    for n in names:
        if p[n].shape != expected[n]:
            raise ValueError(f"params[{n!r}] has shape {p[n].shape}, expected {expected[n]} "
                             f"(d_model={d_model} from x {x.shape}, d_ff={d_ff} from {first})")
    return x, p


def feed_forward_forward(x, params, activation: str = "gelu", *, gelu_approximate: str = "tanh"):
    """The feed-forward network, returning the output and what its backward pass needs.

    Parameters
    ----------
    x : array_like of shape (..., d_model), float32 or float64
    params : dict of arrays
        "relu"/"gelu": ``W1`` (d_model, d_ff), ``b1`` (d_ff,), ``W2`` (d_ff, d_model),
        ``b2`` (d_model,). "swiglu": ``W_gate`` (d_model, d_ff), ``W_up`` (d_model, d_ff),
        ``W_down`` (d_ff, d_model). Exactly these keys.
    activation : {"relu", "gelu", "swiglu"}
    gelu_approximate : {"tanh", "none"}
        The GELU form when ``activation="gelu"`` (see ``pycore.gelu``).

    Returns
    -------
    out : ndarray of shape (..., d_model); float32 only if x and every parameter are float32.
    saved : dict of the intermediates (inputs, pre-activations) for ``feed_forward_backward``.

    Raises
    ------
    ValueError
        Unknown ``activation``, missing or extra parameter keys, or mismatched shapes.
    """
    check_choice(gelu_approximate, "gelu_approximate", ("tanh", "none"))
    x, p = _check_params(x, params, activation)
    saved = {"x": x, "params": p, "activation": activation, "gelu_approximate": gelu_approximate}
    if activation == "swiglu":
        gate = x @ p["W_gate"]  # (..., d_ff)
        up = x @ p["W_up"]  # (..., d_ff)
        hidden = silu(gate) * up  # (..., d_ff)
        saved.update(gate=gate, up=up, hidden=hidden)
        out = hidden @ p["W_down"]  # (..., d_model)
        return check_finite_result(out, "feed_forward's output", "x or params are"), saved
    pre = x @ p["W1"] + p["b1"]  # (..., d_ff)
    if activation == "relu":
        hidden = relu(pre)
    else:
        hidden = gelu(pre, approximate=gelu_approximate)  # validates gelu_approximate
    saved.update(pre=pre, hidden=hidden)
    out = hidden @ p["W2"] + p["b2"]  # (..., d_model)
    return check_finite_result(out, "feed_forward's output", "x or params are"), saved


def feed_forward_backward(dout, saved):
    """Backward pass of ``feed_forward_forward``.

    Parameters
    ----------
    dout : array_like of shape (..., d_model)
    saved : dict from ``feed_forward_forward``.

    Returns
    -------
    dx : ndarray of shape (..., d_model)
    grads : dict keyed like ``params`` with arrays of the same shapes (dW1, db1, ...).
    """
    check_ffn_saved(saved)
    x, p, activation = saved["x"], saved["params"], saved["activation"]
    dout = as_float_array(dout, "dout", dtype=x.dtype)
    if dout.shape != x.shape:
        raise ValueError(f"dout has shape {dout.shape}, expected {x.shape} (the output's shape)")
    d_model = x.shape[-1]
    x2 = x.reshape(-1, d_model)  # (N, d_model), N = all positions: weights are shared by them
    dout2 = dout.reshape(-1, d_model)  # (N, d_model)
    hidden = saved["hidden"]
    d_ff = hidden.shape[-1]
    hidden2 = hidden.reshape(-1, d_ff)  # (N, d_ff)
    grads = {}
    if activation == "swiglu":
        grads["W_down"] = hidden2.T @ dout2  # (d_ff, d_model)
        dhidden = dout2 @ p["W_down"].T  # (N, d_ff)
        gate = saved["gate"].reshape(-1, d_ff)
        up = saved["up"].reshape(-1, d_ff)
        dup = dhidden * silu(gate)  # (N, d_ff)
        dgate = silu_backward(dhidden * up, gate)  # (N, d_ff)
        grads["W_gate"] = x2.T @ dgate  # (d_model, d_ff)
        grads["W_up"] = x2.T @ dup  # (d_model, d_ff)
        dx = dgate @ p["W_gate"].T + dup @ p["W_up"].T  # (N, d_model)
    else:
        grads["W2"] = hidden2.T @ dout2  # (d_ff, d_model)
        grads["b2"] = dout2.sum(axis=0)  # (d_model,)
        dhidden = dout2 @ p["W2"].T  # (N, d_ff)
        pre = saved["pre"].reshape(-1, d_ff)
        if activation == "relu":
            dpre = relu_backward(dhidden, pre)
        else:
            dpre = gelu_backward(dhidden, pre, approximate=saved["gelu_approximate"])
        grads["W1"] = x2.T @ dpre  # (d_model, d_ff)
        grads["b1"] = dpre.sum(axis=0)  # (d_ff,)
        dx = dpre @ p["W1"].T  # (N, d_model)
    order = FFN_PARAM_NAMES[activation]
    for n in order:
        check_finite_result(grads[n], f"the gradient of {n}", "dout or the cached x are")
    return check_finite_result(dx.reshape(x.shape), "dx", "dout is"), {n: grads[n] for n in order}


def feed_forward(x, params, activation: str = "gelu", *, gelu_approximate: str = "tanh"):
    """The position-wise feed-forward network; see ``feed_forward_forward`` for the arguments.

    Returns
    -------
    out : ndarray of shape (..., d_model).
    """
    return feed_forward_forward(x, params, activation, gelu_approximate=gelu_approximate)[0]
