"""The position-wise feed-forward network on tensors (mirrors ``pycore.feed_forward``).

ReLU/GELU: act(x W1 + b1) W2 + b2 (Vaswani et al. 2017, eq. 2). SwiGLU (Shazeer 2020):
(silu(x W_gate) * (x W_up)) W_down, no biases. Row-vector convention as in pycore: W is
(d_in, d_out) and a layer is x @ W + b (a ``torch.nn.Linear`` weight is W^T).
"""

from __future__ import annotations

import torch.nn.functional as F

from ._checks import as_float_tensor, check_choice, check_keys, check_ndim, common_dtype

__all__ = ["feed_forward", "FFN_PARAM_NAMES"]

FFN_PARAM_NAMES = {
    "relu": ("W1", "b1", "W2", "b2"),
    "gelu": ("W1", "b1", "W2", "b2"),
    "swiglu": ("W_gate", "W_up", "W_down"),
}


def feed_forward(x, params, activation: str = "gelu", *, gelu_approximate: str = "tanh"):
    """The feed-forward network.

    Parameters
    ----------
    x : tensor of shape (..., d_model)
    params : dict of tensors
        "relu"/"gelu": W1 (d_model, d_ff), b1 (d_ff,), W2 (d_ff, d_model), b2 (d_model,);
        "swiglu": W_gate (d_model, d_ff), W_up (d_model, d_ff), W_down (d_ff, d_model).
    activation : {"relu", "gelu", "swiglu"}
    gelu_approximate : {"tanh", "none"}

    Returns
    -------
    tensor of shape (..., d_model).
    """
    check_choice(activation, "activation", tuple(FFN_PARAM_NAMES))
    check_choice(gelu_approximate, "gelu_approximate", ("tanh", "none"))
    names = FFN_PARAM_NAMES[activation]
    check_keys(params, "params", names)
    dtype = common_dtype(x, *(params[n] for n in names))
    x = as_float_tensor(x, "x", dtype=dtype)
    check_ndim(x, "x", min_ndim=1, expected="(..., d_model)")
    p = {n: as_float_tensor(params[n], f"params[{n!r}]", dtype=dtype, device=x.device)
         for n in names}
    d_model = x.shape[-1]
    first = "W_gate" if activation == "swiglu" else "W1"
    check_ndim(p[first], f"params[{first!r}]", ndim=2, expected="(d_model, d_ff)")
    d_ff = p[first].shape[1]
    expected = {"W1": (d_model, d_ff), "b1": (d_ff,), "W2": (d_ff, d_model), "b2": (d_model,),
                "W_gate": (d_model, d_ff), "W_up": (d_model, d_ff), "W_down": (d_ff, d_model)}
    for n in names:
        if tuple(p[n].shape) != expected[n]:
            raise ValueError(f"params[{n!r}] has shape {tuple(p[n].shape)}, expected "
                             f"{expected[n]} (d_model={d_model}, d_ff={d_ff})")
    if activation == "swiglu":
        hidden = F.silu(x @ p["W_gate"]) * (x @ p["W_up"])  # (..., d_ff)
        return hidden @ p["W_down"]  # (..., d_model)
    pre = x @ p["W1"] + p["b1"]  # (..., d_ff)
    hidden = F.relu(pre) if activation == "relu" else F.gelu(pre, approximate=gelu_approximate)
    return hidden @ p["W2"] + p["b2"]  # (..., d_model)
