"""Parameters of a transformer: their names, shapes, initialisation and exact count.

A model's parameters are a nested dict of NumPy arrays (lists for the stack of layers), so a
reader can print any piece: ``params["layers"][0]["attn"]["W_q"]``. Flattened, the same
arrays get dotted names such as ``layers.0.attn.W_q`` (used by ``save``/``load`` and AdamW).

Decoder (``kind="decoder"``, a GPT-style ``DecoderLM``), d = d_model, row-vector convention:

    tokens          (V, d)                 token embedding E
    positions       (max_len, d)           only if positional == "learned"
    layers[i]
      attn_norm     norm params            {"gamma": (d,), "beta": (d,)} or {"weight": (d,)}
      attn          W_q (d, h d_head), W_k (d, h_kv d_head), W_v (d, h_kv d_head),
                    W_o (h d_head, d), b_q (h d_head,), b_k, b_v (h_kv d_head,), b_o (d,)
      ffn_norm      norm params
      ffn           relu/gelu: W1 (d, d_ff), b1 (d_ff,), W2 (d_ff, d), b2 (d,)
                    swiglu:    W_gate (d, d_ff), W_up (d, d_ff), W_down (d_ff, d)
    final_norm      norm params            only if norm_position == "pre" (as GPT-2)
    lm_head         (d, V)                 only if not tie_embeddings

Encoder (``kind="encoder"``): the same without ``lm_head``. Seq2Seq (``kind="seq2seq"``):
``{"encoder": <encoder>, "decoder": <decoder>}`` where each decoder layer also has
``cross_norm`` and ``cross_attn`` (keys and values are projected from the encoder output).

Initialisation follows GPT-2 (Radford et al. 2019, section 2.3): weights ~ N(0, 0.02^2),
biases 0, norm gains 1, and the two projections that write into the residual stream (W_o and
the FFN's output matrix) scaled by 1/sqrt(2 n_layers) so the stream's variance does not grow
with depth.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import MAX_ELEMENTS, as_generator, check_choice
from .config import TransformerConfig

__all__ = ["init_params", "count_parameters", "parameter_shapes", "flatten_params",
           "unflatten_params", "check_params", "check_layer_params", "attention_shapes",
           "ffn_shapes", "model_params", "ATTENTION_PARAM_NAMES", "MODEL_KINDS"]

MODEL_KINDS = ("decoder", "encoder", "seq2seq")
_INIT_STD = 0.02  # GPT-2's standard deviation for every weight matrix
MAX_LAYERS = 1_000  # the most layers parameter_shapes (and so init, check, load) will list


def _check_config(config):
    if not isinstance(config, TransformerConfig):
        raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")


def _norm_shapes(c):
    if c.norm == "layer":
        return {"gamma": (c.d_model,), "beta": (c.d_model,)}
    return {"weight": (c.d_model,)}


def attention_shapes(d_model: int, n_heads: int, n_kv_heads: int, d_head: int) -> dict:
    """The shapes of one attention sublayer's parameters, the single source of them.

    ``W_q`` (d_model, h d_head), ``W_k``, ``W_v`` (d_model, h_kv d_head), ``W_o``
    (h d_head, d_model), ``b_q`` (h d_head,), ``b_k``, ``b_v`` (h_kv d_head,), ``b_o``
    (d_model,); the names in this order are ``ATTENTION_PARAM_NAMES``.
    """
    d, q_width, kv_width = d_model, n_heads * d_head, n_kv_heads * d_head
    return {"W_q": (d, q_width), "W_k": (d, kv_width), "W_v": (d, kv_width),
            "W_o": (q_width, d), "b_q": (q_width,), "b_k": (kv_width,), "b_v": (kv_width,),
            "b_o": (d,)}


ATTENTION_PARAM_NAMES = tuple(attention_shapes(1, 1, 1, 1))


def _attention_shapes(c):
    return attention_shapes(c.d_model, c.n_heads, c.n_kv_heads, c.d_head)


def ffn_shapes(d_model: int, d_ff: int, activation: str) -> dict:
    """The shapes of one feed-forward sublayer's parameters, the single source of them.

    ReLU/GELU: ``W1`` (d_model, d_ff), ``b1`` (d_ff,), ``W2`` (d_ff, d_model), ``b2``
    (d_model,). SwiGLU: ``W_gate``, ``W_up`` (d_model, d_ff), ``W_down`` (d_ff, d_model).
    """
    d = d_model
    if activation == "swiglu":
        return {"W_gate": (d, d_ff), "W_up": (d, d_ff), "W_down": (d_ff, d)}
    return {"W1": (d, d_ff), "b1": (d_ff,), "W2": (d_ff, d), "b2": (d,)}


def _ffn_shapes(c):
    return ffn_shapes(c.d_model, c.d_ff, c.activation)


def _layer_shapes(c, cross: bool):
    layer = {"attn_norm": _norm_shapes(c), "attn": _attention_shapes(c)}
    if cross:
        layer.update(cross_norm=_norm_shapes(c), cross_attn=_attention_shapes(c))
    layer.update(ffn_norm=_norm_shapes(c), ffn=_ffn_shapes(c))
    return layer


def _stack_shapes(c, *, cross: bool, lm_head: bool):
    layer = _layer_shapes(c, cross)
    shapes = {"tokens": (c.vocab_size, c.d_model)}
    if c.positional == "learned":
        shapes["positions"] = (c.max_len, c.d_model)
    shapes["layers"] = [layer for _ in range(c.n_layers)]
    if c.norm_position == "pre":
        shapes["final_norm"] = _norm_shapes(c)
    if lm_head and not c.tie_embeddings:
        shapes["lm_head"] = (c.d_model, c.vocab_size)
    return shapes


def parameter_shapes(config: TransformerConfig, kind: str = "decoder"):
    """The nested dict (and lists) of parameter shapes that ``init_params`` fills.

    Shapes only, so the published sizes of large models work; ``n_layers`` is limited to
    1,000 (the largest published models have about 100).
    """
    _check_config(config)
    check_choice(kind, "kind", MODEL_KINDS)
    if config.n_layers > MAX_LAYERS:
        raise ValueError(f"config has n_layers={config.n_layers:,}; parameter_shapes lists "
                         f"at most {MAX_LAYERS:,} layers")
    if kind == "decoder":
        return _stack_shapes(config, cross=False, lm_head=True)
    if kind == "encoder":
        return _stack_shapes(config, cross=False, lm_head=False)
    return {"encoder": _stack_shapes(config, cross=False, lm_head=False),
            "decoder": _stack_shapes(config, cross=True, lm_head=True)}


def _init(shapes, name, rng, dtype, residual_scale):
    if isinstance(shapes, list):
        return [_init(s, f"{name}.{i}", rng, dtype, residual_scale) for i, s in enumerate(shapes)]
    if isinstance(shapes, dict):
        return {k: _init(s, f"{name}.{k}" if name else k, rng, dtype, residual_scale)
                for k, s in shapes.items()}
    leaf = name.rsplit(".", 1)[-1]
    if leaf in ("gamma", "weight"):
        return np.ones(shapes, dtype=dtype)  # norms start as the identity
    if len(shapes) == 1:
        return np.zeros(shapes, dtype=dtype)  # biases and norm shifts
    std = _INIT_STD * (residual_scale if leaf in ("W_o", "W2", "W_down") else 1.0)
    return (std * rng.standard_normal(shapes)).astype(dtype)


def init_params(config: TransformerConfig, seed: int = 0, *, kind: str = "decoder",
                dtype=np.float64) -> dict:
    """Freshly initialised parameters (GPT-2 scheme; names and shapes in the module docstring).

    Parameters
    ----------
    config : TransformerConfig
    seed : int
        Seed of the ``numpy.random.Generator`` that draws the weights.
    kind : {"decoder", "encoder", "seq2seq"}
    dtype : numpy float dtype (float64 by default, or float32)

    Returns
    -------
    dict of arrays (with a list under ``"layers"``); see ``parameter_shapes``.
    """
    shapes = parameter_shapes(config, kind)
    count = count_parameters(config, kind)
    if count > MAX_ELEMENTS:
        raise ValueError(f"config describes {count:,} parameters; init_params allocates at most "
                         f"{MAX_ELEMENTS:,} (use count_parameters for the size of large models)")
    try:
        dtype = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be float32 or float64, got {dtype!r}") from exc
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"dtype must be float32 or float64, got {dtype}")
    rng = as_generator(seed, "seed")
    return _init(shapes, "", rng, dtype, 1.0 / math.sqrt(2 * config.n_layers))


def model_params(config: TransformerConfig, params=None, seed: int = 0, *,
                 kind: str = "decoder", dtype=np.float64) -> dict:
    """A model class's parameters: ``params`` checked against ``config``, or fresh ones.

    Parameters
    ----------
    config : TransformerConfig
        The model's configuration (TypeError for anything else).
    params : dict, optional
        Given parameters, checked by ``check_params``; if None, ``init_params(config, seed)``.
    seed : int
        Seed for fresh parameters.
    kind : {"decoder", "encoder", "seq2seq"}
        Which model the parameters belong to.
    dtype : numpy float dtype
        The dtype of fresh parameters.

    Returns
    -------
    dict
        The parameters (``params`` itself if given).
    """
    _check_config(config)
    if params is None:
        params = init_params(config, seed, kind=kind, dtype=dtype)
    check_params(params, config, kind)
    return params


def count_parameters(config: TransformerConfig, kind: str = "decoder") -> int:
    """Exact number of trainable parameters, from closed-form per-piece formulas.

    With d = d_model, attention has d (h + 2 h_kv) d_head + h d_head d weights and
    (h + 2 h_kv) d_head + d biases; a ReLU/GELU FFN 2 d d_ff + d_ff + d, SwiGLU 3 d d_ff; a
    LayerNorm 2 d, an RMSNorm d. For GPT-2 small this gives 124,439,808.
    """
    _check_config(config)
    check_choice(kind, "kind", MODEL_KINDS)
    c = config
    d, dh = c.d_model, c.d_head
    attn = d * (c.n_heads + 2 * c.n_kv_heads) * dh + c.n_heads * dh * d  # W_q, W_k, W_v, W_o
    attn += (c.n_heads + 2 * c.n_kv_heads) * dh + d  # b_q, b_k, b_v, b_o
    ffn = 3 * d * c.d_ff if c.activation == "swiglu" else 2 * d * c.d_ff + c.d_ff + d
    norm = 2 * d if c.norm == "layer" else d
    embed = c.vocab_size * d + (c.max_len * d if c.positional == "learned" else 0)
    final = norm if c.norm_position == "pre" else 0
    encoder = embed + c.n_layers * (attn + ffn + 2 * norm) + final
    head = 0 if c.tie_embeddings else d * c.vocab_size
    if kind == "encoder":
        return int(encoder)
    if kind == "decoder":
        return int(encoder + head)
    decoder = embed + c.n_layers * (2 * attn + ffn + 3 * norm) + final + head
    return int(encoder + decoder)


def flatten_params(params, prefix: str = "") -> dict:
    """``{"layers.0.attn.W_q": array, ...}``; the arrays are the same objects (not copies)."""
    flat = {}
    if isinstance(params, dict):
        items = params.items()
    elif isinstance(params, list):  # tuples are leaves (shapes), lists hold layers
        items = ((str(i), p) for i, p in enumerate(params))
    else:
        return {prefix: params}
    for key, value in items:
        if not isinstance(key, str) or "." in key:
            raise ValueError(f"params: name {key!r} under {prefix or 'the root'!r} must be a "
                             "string without dots")
        flat.update(flatten_params(value, f"{prefix}.{key}" if prefix else key))
    return flat


def unflatten_params(flat: dict, template):
    """Rebuild the nesting of ``template`` (e.g. ``parameter_shapes(config)``) from dotted names."""
    if not isinstance(flat, dict):
        raise TypeError(f"flat must be a dict of dotted names to arrays, got {type(flat).__name__}")
    if not isinstance(template, (dict, list)):
        raise TypeError(f"template must be a nested dict/list such as parameter_shapes(config), "
                        f"got {type(template).__name__}")
    try:
        names = flatten_params(template)
    except ValueError as exc:
        raise ValueError(f"template is not nested like parameter_shapes(config): {exc}") from None
    missing = [n for n in names if n not in flat]
    if missing:
        raise ValueError(f"flat lacks {missing}, which template names")

    def build(node, prefix):
        if isinstance(node, list):
            return [build(n, f"{prefix}.{i}") for i, n in enumerate(node)]
        if isinstance(node, dict):
            return {k: build(n, f"{prefix}.{k}" if prefix else k) for k, n in node.items()}
        return flat[prefix]
    return build(template, "")


def check_params(params, config: TransformerConfig, kind: str = "decoder") -> None:
    """Raise ValueError naming every missing, unexpected or mis-shaped array of ``params``.

    The reference is ``parameter_shapes(config, kind)``; ``name`` is the dotted flat name.
    Every array must also be floating point and finite (TypeError / ValueError otherwise).
    """
    expected = flatten_params(parameter_shapes(config, kind))
    _check_tree(params, expected, "params", f"the {kind} config")


def check_layer_params(params, config: TransformerConfig, *, cross: bool = False,
                       name: str = "params") -> None:
    """``check_params`` for one block's parameters (an entry of ``params["layers"]``)."""
    _check_config(config)
    _check_tree(params, flatten_params(_layer_shapes(config, cross)), name,
                "one block of the config" + (" (with cross-attention)" if cross else ""))


def _check_tree(params, expected: dict, name: str, what: str) -> None:
    """Compare nested ``params`` with flat ``expected`` shapes; check dtypes and finiteness."""
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict of arrays, got {type(params).__name__}")
    try:
        flat = flatten_params(params)
    except ValueError as exc:
        raise ValueError(f"{name} are not nested like parameter_shapes(config): {exc}") from exc
    missing = [n for n in expected if n not in flat]
    extra = [n for n in flat if n not in expected]
    wrong = [f"{n} {np.shape(flat[n])} (expected {expected[n]})" for n in expected
             if n in flat and tuple(np.shape(flat[n])) != tuple(expected[n])]
    if missing or extra or wrong:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"unexpected {extra}")
        if wrong:
            parts.append(f"wrong shape: {', '.join(wrong)}")
        raise ValueError(f"{name} do not match {what}: " + "; ".join(parts))
    for n, array in flat.items():
        dtype = getattr(array, "dtype", None)
        if dtype is None or dtype.kind != "f":
            raise TypeError(f"{name}[{n!r}] must be a float array, got "
                            f"{type(array).__name__} {dtype if dtype is not None else ''}")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name}[{n!r}] (shape {array.shape}) contains NaN or inf")
