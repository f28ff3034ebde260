"""Property-based fuzzing of every public pycore function: bad input fails clearly, or works.

The contract (shared/spec/pycore-api.md): bad input raises ValueError or TypeError whose
message names the argument, and pycore never returns NaN or inf silently from finite input.

Each public name has a *recipe*: a valid call, argument by argument, with the kind of each
argument. Hypothesis picks one argument, replaces it by a malformed or extreme value of a
kind-appropriate sort (wrong type, dtype, rank or size; NaN, inf, 1e308, 1e-308; zero,
negative and huge sizes; missing keys; params where a model belongs, ...) and checks that
the call either

- raises ValueError or TypeError whose message names one of the function's arguments, or
- returns, within a time limit, outputs that are all finite (unless the mutation itself put
  NaN or inf into an input).

Any other exception (KeyError, AttributeError, IndexError, MemoryError, ...) fails the test
with its traceback. ``test_every_public_name_has_a_recipe`` fails when a new public function
is added without one. The run is deterministic (``derandomize=True``) and bounded: small
valid inputs, a fixed number of examples per function and a per-call time limit. At the end,
the cases the adversarial review reported (issue 15) are kept as named regressions.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import re
import signal
import types
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pycore as pc

EXAMPLES = 40  # per recipe: 118 recipes with arguments, so 4,720 malformed calls
CALL_SECONDS = 10  # a call that takes longer has hung (generous for a loaded 2-core CI)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

# ---- small valid inputs --------------------------------------------------------------------

CFG = pc.TransformerConfig(vocab_size=11, d_model=8, n_heads=2, n_layers=1, d_ff=16,
                           max_len=16)
V = CFG.vocab_size


def normal(*shape, seed=0):
    return lambda: np.random.default_rng(seed).standard_normal(shape)


def ints(high, *shape, seed=0):
    return lambda: np.random.default_rng(seed).integers(0, high, size=shape)


def const(value):
    return lambda: value


def model():
    return pc.DecoderLM(CFG, seed=0)


def draft():
    return pc.DecoderLM(CFG.replace(d_model=4, d_ff=8), seed=1)


def seq2seq():
    return pc.Seq2Seq(CFG, seed=0)


def attention_params():
    return pc.init_params(CFG)["layers"][0]["attn"]


def layer_params():
    return pc.init_params(CFG)["layers"][0]


def ffn_params():
    return pc.init_params(CFG)["layers"][0]["ffn"]


def attention_cache():
    return pc.attention_forward(normal(2, 3, 4)(), normal(2, 5, 4, seed=1)(),
                                normal(2, 5, 4, seed=2)())[1]


def softmax_rows(*shape):
    return lambda: pc.softmax(normal(*shape)())


def saved_model():
    buffer = io.BytesIO()
    pc.save(buffer, pc.init_params(CFG), CFG)
    buffer.seek(0)
    return buffer


def bpe():
    return pc.BPETokenizer().train("the cat sat on the mat, the end", 262)


# ---- argument kinds and their mutations ------------------------------------------------------
# A mutation is f(data, valid) -> (value, nonfinite): nonfinite says the value itself holds
# NaN or inf (then a finite output is not required, only a clean error or a success).

JUNK = [None, "x", "", b"\x00", 2.5j, object(), {}, [], (), [[1], [2, 3]], print, np.float64]
EXTREMES = [1e308, -1e308, 1.7976931348623157e308, 1e160, -1e160, 1e-308, 5e-324, 0.0, 1e30]
NONFINITE = [np.nan, np.inf, -np.inf]


def junk(data, valid):
    return data.draw(st.sampled_from(JUNK), label="junk"), False


def put_nonfinite(data, valid):
    a = np.array(valid, dtype=np.float64)
    if a.size == 0:
        return np.array([np.nan]), True
    a.flat[data.draw(st.integers(0, a.size - 1), label="index")] = data.draw(
        st.sampled_from(NONFINITE), label="value")
    return a, True


def scale_extreme(data, valid):
    a = np.asarray(valid, dtype=np.float64)
    factor = data.draw(st.sampled_from(EXTREMES), label="factor")
    with np.errstate(over="ignore", under="ignore"):
        out = a * factor
    return out, not np.all(np.isfinite(out))


def fill_random(data, valid):
    a = np.asarray(valid, dtype=np.float64)
    value = data.draw(st.floats(allow_nan=False, allow_infinity=False, width=64), label="fill")
    return np.full(a.shape, value), False


def change_dtype(data, valid):
    a = np.asarray(valid)
    dtype = data.draw(st.sampled_from(["complex128", "U3", "bool", "object", "int8", "float16",
                                       "float32", "uint64", "datetime64[s]"]), label="dtype")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return a.astype(dtype), False


def change_shape(data, valid):
    a = np.asarray(valid)
    how = data.draw(st.sampled_from(["drop", "add", "grow", "shrink", "empty", "scalar",
                                     "transpose", "list"]), label="shape")
    if how == "drop":
        return (a[..., 0] if a.ndim else a), False
    if how == "add":
        return a[None], False
    if how == "grow":
        return (np.concatenate([a, a[..., :1]], axis=-1) if a.ndim else a[None]), False
    if how == "shrink":
        return (a[..., :-1] if a.ndim else a), False
    if how == "empty":
        axis = data.draw(st.integers(0, max(a.ndim - 1, 0)), label="axis") if a.ndim else 0
        return (np.take(a, [], axis=axis) if a.ndim else a.reshape(0)), False
    if how == "scalar":
        return (a.reshape(-1)[0] if a.size else a.reshape(())), False
    if how == "transpose":
        return a.T, False
    return a.tolist(), False


def bad_ids(data, valid):
    a = np.array(valid)
    if a.size == 0:
        return a, False
    value = data.draw(st.sampled_from([-1, V, 10 ** 9, -(2 ** 63), 2 ** 62]), label="id")
    a = a.astype(np.int64)
    a.flat[data.draw(st.integers(0, a.size - 1), label="index")] = value
    return a, False


def float_ids(data, valid):
    offset = data.draw(st.sampled_from([0.5, 0.0, np.nan, 1e300]), label="offset")
    return np.asarray(valid, dtype=np.float64) + offset, bool(np.isnan(offset))


def bad_int(data, valid):
    return data.draw(st.one_of(
        st.integers(-3, 3),
        st.sampled_from([10 ** 12, 2 ** 63, 10 ** 18, -(10 ** 12), np.int64(2), np.uint8(3)]),
        st.sampled_from([2.5, 3.0, float("nan"), float("inf"), True, False, "3", None, [1]])),
        label="int"), False


def bad_float(data, valid):
    value = data.draw(st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(EXTREMES + NONFINITE + [-1.0, 0, True, "1.0", None, np.float32(2),
                                                 1j, 10 ** 400])), label="float")
    nonfinite = isinstance(value, float) and not np.isfinite(value)
    return value, nonfinite


def bad_bool(data, valid):
    return data.draw(st.sampled_from([0, 1, 2, "yes", None, 2.5, np.bool_(True), [True]]),
                     label="bool"), False


def bad_str(data, valid):
    return data.draw(st.one_of(st.text(max_size=6), st.sampled_from(
        ["", "LAYER", " relu", "\ud800", 0, None, ["relu"]])), label="str"), False


def bad_dict(data, valid):
    """Params (nested dicts of arrays): drop or add a key, or spoil one array."""
    how = data.draw(st.sampled_from(["drop", "add", "spoil", "list", "none", "nested"]),
                    label="dict")
    d = dict(valid)
    keys = sorted(d, key=str)
    if how == "drop" and keys:
        del d[data.draw(st.sampled_from(keys), label="key")]
        return d, False
    if how == "add":
        d[data.draw(st.sampled_from(["extra", "W_q", "", "a.b", 3]), label="key")] = np.ones(2)
        return d, False
    if how == "spoil" and keys:
        key = data.draw(st.sampled_from(keys), label="key")
        spoilers = [None, "x", np.ones(3), np.full(np.shape(d[key]), np.nan),
                    np.zeros(np.shape(d[key]), dtype=complex), [1, 2]]
        d[key] = data.draw(st.sampled_from(spoilers), label="spoiler")
        return d, isinstance(d[key], np.ndarray) and d[key].dtype == float and \
            bool(np.isnan(d[key]).any())
    if how == "list":
        return list(d.values()), False
    if how == "nested":
        return {"layers": [d]}, False
    return None, False


def bad_cache(data, valid):
    """A forward cache: drop a key, set one to None or a string, or not a dict at all."""
    how = data.draw(st.sampled_from(["drop", "none", "str", "empty", "list", "tuple"]),
                    label="cache")
    d = dict(valid)
    keys = sorted(d)
    if how in ("drop", "none", "str") and keys:
        key = data.draw(st.sampled_from(keys), label="key")
        if how == "drop":
            del d[key]
        else:
            d[key] = None if how == "none" else "x"
        return d, False
    return {"empty": {}, "list": list(d.values()), "tuple": tuple(d)}.get(how, {}), False


def bad_model(data, valid):
    """Something other than the model: its params (the classic mistake), a config, ..."""
    tag = data.draw(st.sampled_from(["params", "config", "str", "seq2seq", "other_vocab"]),
                    label="model")
    return {"params": lambda: pc.init_params(CFG), "config": lambda: CFG,
            "str": lambda: "lm_tiny", "seq2seq": lambda: pc.Seq2Seq(CFG),
            "other_vocab": lambda: pc.DecoderLM(CFG.replace(vocab_size=5))}[tag](), False


def bad_config(data, valid):
    return data.draw(st.sampled_from([
        None, CFG.to_dict(), "tiny", 3, CFG.replace(d_model=4, d_ff=4),
        CFG.replace(norm="rms", positional="rope", activation="swiglu", n_kv_heads=1),
        CFG.replace(n_layers=100_000, vocab_size=10 ** 6, d_model=4096, n_heads=32)]),
        label="config"), False


def bad_rng(data, valid):
    return data.draw(st.sampled_from([-1, "0", None, 2.5, True, np.random.RandomState(0),
                                      [1, 2], 2 ** 70])), False


def bad_callable(data, valid):
    return data.draw(st.sampled_from([
        None, 3, "f", lambda: float("nan"), lambda: "a", lambda: None, lambda: np.ones(2),
        lambda: 1e308, lambda: float("inf")]), label="f"), False


def bad_path(data, valid):
    good = valid.getvalue() if isinstance(valid, io.BytesIO) else b""
    choice = data.draw(st.sampled_from(["none", "int", "list", "junk", "empty", "truncated",
                                        "flipped", "text"]), label="path")
    if choice in ("none", "int", "list"):
        return {"none": None, "int": 3, "list": [good]}[choice], False
    if choice == "truncated":
        cut = data.draw(st.integers(0, max(len(good) - 1, 0)), label="cut")
        return io.BytesIO(good[:cut]), False
    if choice == "flipped":
        raw = bytearray(good)
        if raw:
            at = data.draw(st.integers(0, len(raw) - 1), label="at")
            raw[at] ^= 0xFF
        return io.BytesIO(bytes(raw)), False
    if choice == "text":
        return io.StringIO("not a file"), False
    return io.BytesIO({"junk": b"PK\x03\x04junk", "empty": b""}[choice]), False


def bad_text(data, valid):
    return data.draw(st.one_of(st.text(max_size=8), st.sampled_from(
        ["a\ud800b", None, b"bytes", 3, ["a"]])), label="text"), False


def bad_any(data, valid):
    return data.draw(st.sampled_from(JUNK + [-1, 0, 10 ** 12, np.nan, (1, -2), (10 ** 9,) * 3]),
                     label="any"), False


ARRAY = [junk, put_nonfinite, scale_extreme, fill_random, change_dtype, change_shape]
MUTATIONS = {
    "array": ARRAY,
    "ids": [junk, bad_ids, float_ids, change_dtype, change_shape],
    "mask": [junk, change_dtype, change_shape],
    "int": [bad_int, junk],
    "float": [bad_float, junk],
    "bool": [bad_bool],
    "str": [bad_str],
    "dict": [bad_dict, junk],
    "cache": [bad_cache, junk],
    "model": [bad_model, junk],
    "config": [bad_config],
    "rng": [bad_rng],
    "callable": [bad_callable],
    "path": [bad_path],
    "text": [bad_text],
    "any": [bad_any],
}

# ---- one recipe per public name: {argument: (valid value factory, kind)} ---------------------

x234, y234 = normal(2, 3, 4), normal(2, 3, 4, seed=1)
q, k, v = normal(2, 3, 4), normal(2, 5, 4, seed=1), normal(2, 5, 4, seed=2)
logits25 = normal(2, 5)
QKV = {"q": (q, "array"), "k": (k, "array"), "v": (v, "array")}
LN = {"x": (x234, "array"), "gamma": (normal(4, seed=3), "array"),
      "beta": (normal(4, seed=4), "array"), "eps": (const(1e-5), "float")}
RMS = {"x": (x234, "array"), "weight": (normal(4, seed=3), "array"), "eps": (const(1e-6), "float")}
FFN = {"x": (normal(2, 3, 8), "array"), "params": (ffn_params, "dict"),
       "activation": (const("gelu"), "str"), "gelu_approximate": (const("tanh"), "str")}
MHA = {"x": (normal(1, 3, 8), "array"), "params": (attention_params, "dict"),
       "n_heads": (const(2), "int"), "n_kv_heads": (const(2), "int"),
       "mask": (lambda: pc.causal_mask(3), "mask"), "positions": (const(np.arange(3)), "ids"),
       "causal": (const(True), "bool"), "rope": (const(False), "bool"),
       "rope_base": (const(1e4), "float"), "alibi": (const(False), "bool")}
BLOCK = {"x": (normal(1, 3, 8), "array"), "params": (layer_params, "dict"),
         "config": (const(CFG), "config"), "causal": (const(True), "bool"),
         "mask": (lambda: pc.causal_mask(3), "mask"), "positions": (const(np.arange(3)), "ids")}
CE = {"logits": (normal(2, 3, 5), "array"), "targets": (ints(5, 2, 3), "ids"),
      "ignore_index": (const(0), "int")}
MODEL_CHECK = {"model": (model, "model"), "T": (const(4), "int"), "seed": (const(0), "int"),
               "atol": (const(1e-10), "float")}
SAMPLE = {"logits": (logits25, "array"), "temperature": (const(0.7), "float"),
          "top_k": (const(3), "int"), "top_p": (const(0.9), "float")}
CONFIG = {name: (const(getattr(CFG, name)), "int") for name in
          ("vocab_size", "d_model", "n_heads", "n_layers", "d_ff", "max_len", "n_kv_heads")}
CONFIG.update({name: (const(getattr(CFG, name)), "str") for name in
               ("norm", "norm_position", "positional", "activation")})
CONFIG["tie_embeddings"] = (const(True), "bool")


def model_init(kind):
    return {"config": (const(CFG), "config"),
            "params": (lambda: pc.init_params(CFG, kind=kind), "dict"),
            "seed": (const(0), "int"), "dtype": (const(np.float64), "any")}


CACHE_INIT = {"n_layers": (const(2), "int"), "batch_size": (const(1), "int"),
              "max_len": (const(8), "int")}


def _save(path, params, config, kind="decoder"):
    """pc.save into a fresh in-memory file (the recipe's valid path), or into ``path``."""
    return pc.save(io.BytesIO() if path is _BUFFER else path, params, config, kind=kind)


_BUFFER = io.BytesIO()
_save.signature_of = pc.save


def method(factory, name):
    """A recipe target calling ``factory().name(...)`` (a fresh object per call)."""
    def call(**kwargs):
        return getattr(factory(), name)(**kwargs)
    call.signature_of = getattr(factory(), name)
    return call


RECIPES = {
    "AdamW": (pc.AdamW, {"params": (lambda: {"w": normal(3)()}, "dict"),
                         "lr": (const(1e-3), "float"), "betas": (const((0.9, 0.999)), "any"),
                         "eps": (const(1e-8), "float"), "weight_decay": (const(0.01), "float"),
                         "no_decay": (const(None), "callable")}),
    "AdamW.step": (method(lambda: pc.AdamW({"w": np.ones(3)}), "step"),
                   {"grads": (lambda: {"w": normal(3)()}, "dict"), "lr": (const(1e-3), "float")}),
    "BPETokenizer": (pc.BPETokenizer, {}),
    "BPETokenizer.train": (method(pc.BPETokenizer, "train"),
                           {"text": (const("abab abab"), "text"),
                            "vocab_size": (const(260), "int"),
                            "min_frequency": (const(2), "int")}),
    "BPETokenizer.encode": (method(bpe, "encode"), {"text": (const("the cat"), "text")}),
    "BPETokenizer.decode": (method(bpe, "decode"), {"ids": (const([116, 104, 256]), "ids")}),
    "CharTokenizer": (pc.CharTokenizer, {"text": (const("abc"), "text"),
                                         "byte_fallback": (const(True), "bool")}),
    "CharTokenizer.encode": (method(lambda: pc.CharTokenizer("ab"), "encode"),
                             {"text": (const("abz"), "text")}),
    "CharTokenizer.decode": (method(lambda: pc.CharTokenizer("ab"), "decode"),
                             {"ids": (const([0, 1, 2 + 0xC3, 2 + 0xA9]), "ids")}),
    "CheckResult": (pc.CheckResult, {"name": (const("n"), "str"), "passed": (const(True), "bool"),
                                     "value": (const(0.0), "float"), "detail": (const(""), "str")}),
    "DecoderLM": (pc.DecoderLM, model_init("decoder")),
    "DecoderLM.forward": (method(model, "forward"),
                          {"ids": (ints(V, 1, 3), "ids"),
                           "return_diagnostics": (const(False), "bool")}),
    "Encoder": (pc.Encoder, model_init("encoder")),
    "Encoder.forward": (method(lambda: pc.Encoder(CFG), "forward"),
                        {"ids": (ints(V, 2, 3), "ids"), "lengths": (const([2, 3]), "ids")}),
    "Hypothesis": (pc.Hypothesis, {"ids": (ints(V, 4), "ids"), "log_prob": (const(-1.0), "float"),
                                   "score": (const(-0.5), "float")}),
    "KVCache": (pc.KVCache, CACHE_INIT),
    "KVCache.truncate": (method(lambda: pc.KVCache(1), "truncate"),
                         {"length": (const(0), "int")}),
    "LayerKVCache": (pc.LayerKVCache, {"initial_capacity": (const(4), "int")}),
    "LayerKVCache.append": (method(pc.LayerKVCache, "append"),
                            {"k_new": (normal(1, 2, 3, 4), "array"),
                             "v_new": (normal(1, 2, 3, 4, seed=1), "array")}),
    "Seq2Seq": (pc.Seq2Seq, model_init("seq2seq")),
    "Seq2Seq.forward": (method(seq2seq, "forward"),
                        {"src_ids": (ints(V, 2, 4), "ids"), "tgt_ids": (ints(V, 2, 3), "ids"),
                         "src_lengths": (const([4, 2]), "ids")}),
    "Seq2SeqCache": (pc.Seq2SeqCache, CACHE_INIT),
    "TransformerConfig": (pc.TransformerConfig, CONFIG),
    "TransformerConfig.from_dict": (pc.TransformerConfig.from_dict,
                                    {"d": (CFG.to_dict, "dict")}),
    "TransformerConfig.preset": (pc.TransformerConfig.preset, {"name": (const("tiny"), "str")}),
    "acceptance_probability": (pc.acceptance_probability,
                               {"p": (softmax_rows(5), "array"),
                                "q": (softmax_rows(5), "array"), "x": (const(2), "int")}),
    "alibi_bias": (pc.alibi_bias, {"n_heads": (const(4), "int"), "T": (const(3), "int"),
                                   "S": (const(5), "int")}),
    "alibi_slopes": (pc.alibi_slopes, {"n_heads": (const(6), "int")}),
    "apply_repetition_penalty": (pc.apply_repetition_penalty,
                                 {"logits": (logits25, "array"),
                                  "previous_ids": (ints(5, 2, 3), "ids"),
                                  "penalty": (const(1.2), "float")}),
    "apply_rope": (pc.apply_rope, {"x": (x234, "array"), "positions": (const([0, 1, 2]), "ids"),
                                   "base": (const(1e4), "float")}),
    "apply_temperature": (pc.apply_temperature, {"logits": (logits25, "array"),
                                                 "temperature": (const(0.5), "float")}),
    "attention_backward": (pc.attention_backward, {"dout": (normal(2, 3, 4), "array"),
                                                   "saved": (attention_cache, "cache")}),
    "attention_entropy": (pc.attention_entropy, {"weights": (softmax_rows(2, 3, 3), "array"),
                                                 "axis": (const(-1), "int")}),
    "attention_forward": (pc.attention_forward,
                          dict(QKV, mask=(lambda: pc.causal_mask(3, 5), "mask"),
                               bias=(normal(3, 5, seed=3), "array"),
                               scale=(const(0.5), "float"))),
    "beam_search": (pc.beam_search, {"model": (model, "model"), "prompt": (ints(V, 3), "ids"),
                                     "beam_width": (const(2), "int"),
                                     "max_new_tokens": (const(2), "int"),
                                     "length_penalty": (const(0.5), "float"),
                                     "eos_id": (const(3), "int")}),
    "block": (pc.block, BLOCK),
    "block_backward": (pc.block_backward,
                       {"dout": (normal(1, 3, 8), "array"),
                        "saved": (lambda: pc.block_forward(normal(1, 3, 8)(), layer_params(),
                                                        CFG)[1], "cache")}),
    "block_forward": (pc.block_forward, BLOCK),
    "cross_attention_backward": (pc.cross_attention_backward,
                                 {"dout": (normal(1, 3, 8), "array"),
                                  "saved": (lambda: pc.cross_attention_forward(
                                      normal(1, 3, 8)(), normal(1, 4, 8)(), attention_params(),
                                      2)[1], "cache")}),
    "cross_attention_forward": (pc.cross_attention_forward,
                                {"x": (normal(1, 3, 8), "array"),
                                 "memory": (normal(1, 4, 8), "array"),
                                 "params": (attention_params, "dict"),
                                 "n_heads": (const(2), "int"), "n_kv_heads": (const(2), "int"),
                                 "mask": (lambda: np.ones((3, 4), dtype=bool), "mask")}),
    "causal_mask": (pc.causal_mask, {"T": (const(3), "int"), "S": (const(5), "int")}),
    "check_attention_weights": (pc.check_attention_weights,
                                {"weights": (softmax_rows(2, 3, 3), "array"),
                                 "causal": (const(True), "bool"), "atol": (const(1e-8), "float")}),
    "check_cache": (pc.check_cache, MODEL_CHECK),
    "check_causal": (pc.check_causal, MODEL_CHECK),
    "check_params": (pc.check_params, {"params": (lambda: pc.init_params(CFG), "dict"),
                                       "config": (const(CFG), "config"),
                                       "kind": (const("decoder"), "str")}),
    "check_shapes": (pc.check_shapes, {"model": (model, "model"),
                                       "batch_size": (const(2), "int"), "T": (const(4), "int"),
                                       "seed": (const(0), "int")}),
    "clip_grad_norm": (pc.clip_grad_norm, {"grads": (lambda: {"w": normal(3)()}, "dict"),
                                           "max_norm": (const(0.5), "float")}),
    "cosine_schedule": (pc.cosine_schedule, {"step": (const(3), "int"),
                                             "max_lr": (const(1e-3), "float"),
                                             "total_steps": (const(10), "int"),
                                             "warmup_steps": (const(2), "int"),
                                             "min_lr": (const(1e-4), "float")}),
    "count_parameters": (pc.count_parameters, {"config": (const(CFG), "config"),
                                               "kind": (const("seq2seq"), "str")}),
    "cross_entropy": (pc.cross_entropy, CE),
    "cross_entropy_backward": (pc.cross_entropy_backward,
                               {"dloss": (const(1.0), "float"),
                                "saved": (lambda: pc.cross_entropy_forward(
                                    normal(2, 3, 5)(), ints(5, 2, 3)())[1], "cache")}),
    "cross_entropy_forward": (pc.cross_entropy_forward, CE),
    "debug_checklist": (pc.debug_checklist, MODEL_CHECK),
    "decoder_backward": (pc.decoder_backward,
                         {"dlogits": (normal(1, 3, V), "array"),
                          "saved": (lambda: pc.decoder_forward(pc.init_params(CFG), CFG,
                                                                ints(V, 1, 3)())[1], "cache")}),
    "decoder_forward": (pc.decoder_forward, {"params": (lambda: pc.init_params(CFG), "dict"),
                                             "config": (const(CFG), "config"),
                                             "ids": (ints(V, 1, 3), "ids"),
                                             "return_diagnostics": (const(True), "bool")}),
    "dequantize": (pc.dequantize, {"q": (lambda: pc.quantize_int8(normal(3, 4)())[0], "ids"),
                                   "scale": (lambda: pc.quantize_int8(normal(3, 4)())[1],
                                             "array")}),
    "embedding": (pc.embedding, {"ids": (ints(5, 2, 3), "ids"), "E": (normal(5, 4), "array")}),
    "embedding_backward": (pc.embedding_backward,
                           {"dout": (normal(2, 3, 4), "array"),
                            "saved": (lambda: pc.embedding_forward(ints(5, 2, 3)(),
                                                                   normal(5, 4)())[1], "cache")}),
    "embedding_forward": (pc.embedding_forward, {"ids": (ints(5, 2, 3), "ids"),
                                                 "E": (normal(5, 4), "array")}),
    "feed_forward": (pc.feed_forward, FFN),
    "feed_forward_backward": (pc.feed_forward_backward,
                              {"dout": (normal(2, 3, 8), "array"),
                               "saved": (lambda: pc.feed_forward_forward(
                                   normal(2, 3, 8)(), ffn_params())[1], "cache")}),
    "feed_forward_forward": (pc.feed_forward_forward, FFN),
    "flash_attention": (pc.flash_attention, dict(QKV, block_size=(const(2), "int"),
                                                 causal=(const(True), "bool"))),
    "flatten_params": (pc.flatten_params, {"params": (lambda: pc.init_params(CFG), "dict"),
                                           "prefix": (const(""), "str")}),
    "gelu": (pc.gelu, {"x": (x234, "array"), "approximate": (const("tanh"), "str")}),
    "gelu_backward": (pc.gelu_backward, {"dy": (y234, "array"), "x": (x234, "array"),
                                         "approximate": (const("none"), "str")}),
    "generate": (pc.generate, {"model": (model, "model"), "prompt_ids": (ints(V, 3), "ids"),
                               "max_new_tokens": (const(3), "int"),
                               "temperature": (const(0.8), "float"), "top_k": (const(4), "int"),
                               "top_p": (const(0.9), "float"), "use_cache": (const(True), "bool"),
                               "seed": (const(0), "rng"),
                               "repetition_penalty": (const(1.1), "float")}),
    "get_batch": (pc.get_batch, {"data": (ints(V, 20), "ids"), "batch_size": (const(2), "int"),
                                 "seq_len": (const(4), "int"), "rng": (const(0), "rng")}),
    "global_norm": (pc.global_norm, {"grads": (lambda: {"w": normal(3)()}, "dict")}),
    "greedy": (pc.greedy, {"logits": (logits25, "array")}),
    "init_params": (pc.init_params, {"config": (const(CFG), "config"), "seed": (const(0), "int"),
                                     "kind": (const("encoder"), "str"),
                                     "dtype": (const(np.float32), "any")}),
    "int8_matmul": (pc.int8_matmul, {"x": (normal(3, 4), "array"), "w": (normal(4, 5), "array"),
                                     "outlier_threshold": (const(2.0), "float")}),
    "kv_cache_bytes": (pc.kv_cache_bytes, {"n_layers": (const(2), "int"),
                                           "n_kv_heads": (const(2), "int"),
                                           "d_head": (const(4), "int"), "T": (const(8), "int"),
                                           "bytes_per_value": (const(2), "int"),
                                           "batch": (const(1), "int")}),
    "layer_norm": (pc.layer_norm, LN),
    "layer_norm_backward": (pc.layer_norm_backward,
                            {"dout": (x234, "array"),
                             "saved": (lambda: pc.layer_norm_forward(x234(), np.ones(4))[1],
                                       "cache")}),
    "layer_norm_forward": (pc.layer_norm_forward, LN),
    "load": (pc.load, {"path": (saved_model, "path")}),
    "load_pretrained": (pc.load_pretrained, {"name": (const("lm_draft"), "str"),
                                             "dtype": (const("float32"), "str")}),
    "load_pretrained_seq2seq": (pc.load_pretrained_seq2seq,
                                {"name": (const("dates_seq2seq"), "str"),
                                 "dtype": (const("float32"), "str")}),
    "log_softmax": (pc.log_softmax, {"x": (x234, "array"), "axis": (const(-1), "int")}),
    "loss_and_grads": (pc.loss_and_grads, {"model_or_params": (model, "model"),
                                           "ids": (ints(V, 1, 4), "ids"),
                                           "targets": (ints(V, 1, 4, seed=1), "ids"),
                                           "ignore_index": (const(0), "int")}),
    "merge_heads": (pc.merge_heads, {"x": (normal(2, 2, 3, 2), "array")}),
    "multi_head_attention": (pc.multi_head_attention, MHA),
    "multi_head_attention_backward": (pc.multi_head_attention_backward,
                                      {"dout": (normal(1, 3, 8), "array"),
                                       "saved": (lambda: pc.multi_head_attention_forward(
                                           normal(1, 3, 8)(), attention_params(), 2,
                                           rope=True)[1], "cache")}),
    "multi_head_attention_forward": (pc.multi_head_attention_forward,
                                     dict(MHA, kv=(normal(1, 4, 8), "array"),
                                          mask=(lambda: np.ones((3, 4), dtype=bool), "mask"),
                                          causal=(const(False), "bool"))),
    "numerical_gradient": (pc.numerical_gradient,
                           {"f": (const(lambda: 1.0), "callable"), "x": (normal(3), "array"),
                            "h": (const(1e-6), "float")}),
    "padding_mask": (pc.padding_mask, {"lengths": (const([1, 3]), "ids"), "T": (const(3), "int")}),
    "parameter_shapes": (pc.parameter_shapes, {"config": (const(CFG), "config"),
                                               "kind": (const("seq2seq"), "str")}),
    "quantization_error": (pc.quantization_error, {"w": (normal(3, 4), "array"),
                                                   "w_hat": (normal(3, 4, seed=1), "array")}),
    "quantize": (pc.quantize, {"w": (normal(3, 4), "array"), "bits": (const(4), "int"),
                               "axis": (const(-1), "int")}),
    "quantize_int4": (pc.quantize_int4, {"w": (normal(3, 4), "array"), "axis": (const(0), "int")}),
    "quantize_int8": (pc.quantize_int8, {"w": (normal(3, 4), "array"), "axis": (const(1), "int")}),
    "quantized_bytes": (pc.quantized_bytes, {"shape": (const((3, 4)), "any"),
                                             "bits": (const(4), "int"),
                                             "n_scales": (const(4), "int"),
                                             "scale_bytes": (const(2), "int")}),
    "relu": (pc.relu, {"x": (x234, "array")}),
    "relu_backward": (pc.relu_backward, {"dy": (y234, "array"), "x": (x234, "array")}),
    "residual_distribution": (pc.residual_distribution, {"p": (softmax_rows(5), "array"),
                                                         "q": (softmax_rows(5), "array")}),
    "residual_norms": (pc.residual_norms, {"residuals": (normal(3, 1, 2, 4), "array"),
                                           "per_token": (const(True), "bool")}),
    "rms_norm": (pc.rms_norm, RMS),
    "rms_norm_backward": (pc.rms_norm_backward,
                          {"dout": (x234, "array"),
                           "saved": (lambda: pc.rms_norm_forward(x234(), np.ones(4))[1],
                                     "cache")}),
    "rms_norm_forward": (pc.rms_norm_forward, RMS),
    "rope_angles": (pc.rope_angles, {"positions": (const([0, 1, 2]), "ids"),
                                     "d": (const(4), "int"), "base": (const(1e4), "float")}),
    "rope_backward": (pc.rope_backward, {"dout": (x234, "array"),
                                         "positions": (const([0, 1, 2]), "ids"),
                                         "base": (const(1e4), "float")}),
    "sample": (pc.sample, dict(SAMPLE, rng=(const(0), "rng"))),
    "sample_from_probs": (pc.sample_from_probs, {"probs": (softmax_rows(2, 5), "array"),
                                                 "rng": (const(0), "rng")}),
    "sampling_probs": (pc.sampling_probs, SAMPLE),
    "save": (_save,
             {"path": (const(_BUFFER), "path"), "params": (lambda: pc.init_params(CFG), "dict"),
              "config": (const(CFG), "config"), "kind": (const("decoder"), "str")}),
    "scaled_dot_product_attention": (pc.scaled_dot_product_attention,
                                     dict(QKV, mask=(lambda: pc.causal_mask(3, 5), "mask"),
                                          bias=(normal(3, 5, seed=3), "array"),
                                          scale=(const(0.5), "float"),
                                          return_weights=(const(True), "bool"))),
    "seq2seq_loss_and_grads": (pc.seq2seq_loss_and_grads,
                               {"model": (seq2seq, "model"), "src_ids": (ints(V, 2, 4), "ids"),
                                "tgt_in": (ints(V, 2, 3), "ids"),
                                "tgt_out": (ints(V, 2, 3, seed=1), "ids"),
                                "src_lengths": (const([4, 2]), "ids"),
                                "ignore_index": (const(0), "int")}),
    "sequence_log_prob": (pc.sequence_log_prob, {"model": (model, "model"),
                                                 "ids": (ints(V, 5), "ids"),
                                                 "prompt_length": (const(2), "int")}),
    "sigmoid": (pc.sigmoid, {"x": (x234, "array")}),
    "silu": (pc.silu, {"x": (x234, "array")}),
    "silu_backward": (pc.silu_backward, {"dy": (y234, "array"), "x": (x234, "array")}),
    "sinusoidal_positions": (pc.sinusoidal_positions, {"T": (const(3), "int"),
                                                       "d": (const(4), "int"),
                                                       "base": (const(1e4), "float")}),
    "softmax": (pc.softmax, {"x": (x234, "array"), "axis": (const(1), "int")}),
    "softmax_backward": (pc.softmax_backward, {"dy": (y234, "array"),
                                               "y": (softmax_rows(2, 3, 4), "array"),
                                               "axis": (const(-1), "int")}),
    "speculative_generate": (pc.speculative_generate,
                             {"target": (model, "model"), "draft": (draft, "model"),
                              "prompt_ids": (ints(V, 3), "ids"),
                              "max_new_tokens": (const(3), "int"), "n_draft": (const(2), "int"),
                              "temperature": (const(1.0), "float"), "top_k": (const(5), "int"),
                              "top_p": (const(0.95), "float"), "seed": (const(0), "rng")}),
    "split_heads": (pc.split_heads, {"x": (x234, "array"), "n_heads": (const(2), "int")}),
    "top_k_filter": (pc.top_k_filter, {"logits": (logits25, "array"), "k": (const(2), "int")}),
    "top_p_filter": (pc.top_p_filter, {"logits": (logits25, "array"), "p": (const(0.5), "float")}),
    "train": (pc.train, {"model": (model, "model"), "data": (ints(V, 40), "ids"),
                       "steps": (const(2), "int"), "batch_size": (const(2), "int"),
                       "seq_len": (const(4), "int"), "lr": (const(1e-3), "float"),
                       "min_lr": (const(1e-4), "float"), "warmup_steps": (const(1), "int"),
                       "weight_decay": (const(0.01), "float"), "grad_clip": (const(1.0), "float"),
                       "seed": (const(0), "rng")}),
    "unflatten_params": (pc.unflatten_params,
                         {"flat": (lambda: pc.flatten_params(pc.init_params(CFG)), "dict"),
                          "template": (lambda: pc.parameter_shapes(CFG), "dict")}),
    "verify_drafts": (pc.verify_drafts, {"p_rows": (softmax_rows(3, 5), "array"),
                                         "q_rows": (softmax_rows(2, 5), "array"),
                                         "drafted": (const([1, 2]), "ids"),
                                         "rng": (const(0), "rng")}),
}


# ---- pycore.figures: a figure must come out as JSON (plain finite numbers) or fail by name ---

def as_json(builder):
    """A recipe target calling ``builder`` and returning its figure's spec parsed from JSON, so
    a NaN or an object that JSON cannot hold surfaces (``to_json`` refuses both)."""
    def call(**kwargs):
        out = builder(**kwargs)
        return json.loads(out.to_json()) if isinstance(out, pc.figures.Figure) else out
    call.signature_of = builder
    return call


def small_figure():
    return pc.figures.lines([1.0, 2.0], [0.5, 0.25], caption="A line.", title="one")


def shown_figure():
    """Takes what earlier calls showed, then shows one figure (what ``take_shown`` returns)."""
    pc.figures.take_shown()
    pc.figures.show(small_figure())


CAPTION = {"caption": (const("What the figure shows."), "str"),
           "alt": (const(None), "any"), "title": (const("A title"), "any")}
TOKENS3 = ["the", "cat", "sat"]
F = pc.figures
RECIPES.update({
    "figures.Figure": (F.Figure, {"spec": (lambda: small_figure().spec, "dict")}),
    "figures.heatmap": (as_json(F.heatmap), dict(
        CAPTION, values=(softmax_rows(3, 3), "array"), row_labels=(const(TOKENS3), "any"),
        col_labels=(const(None), "any"), row_title=(const("query"), "str"),
        masked=(const(np.triu(np.ones((3, 3), dtype=bool), 1)), "mask"),
        annotate=(const(True), "bool"), fmt=(const(".2f"), "str"),
        diverging=(const(False), "bool"), domain=(const((0.0, 1.0)), "any"))),
    "figures.lines": (as_json(F.lines), dict(
        CAPTION, x=(const(np.array([4.0, 8.0, 16.0])), "array"),
        series=(lambda: {"a": normal(3)(), "b": normal(3, seed=1)()}, "dict"),
        x_title=(const("d_k"), "str"), log_x=(const(True), "bool"), log_y=(const(False), "bool"),
        vlines=(const({"chosen": 8.0}), "any"), hlines=(const({"floor": 0.0}), "any"),
        points=(const(True), "bool"), dashed=(const(["b"]), "any"),
        log_x_base=(const(2), "int"), x_integer=(const(True), "bool"),
        y_domain=(const((-3.0, 3.0)), "any"))),
    "figures.scatter": (as_json(F.scatter), dict(
        CAPTION, series=(lambda: {"words": (normal(2)(), normal(2, seed=1)())}, "dict"),
        labels=(const({"words": ["cat", "dog"]}), "any"), log_y=(const(False), "bool"))),
    "figures.bars": (as_json(F.bars), dict(
        CAPTION, categories=(const(["a", "b", "c"]), "any"),
        groups=(lambda: {"g": np.array([0.5, 2.0, 40.0]), "h": np.array([1.0, 3.0, 5.0])},
                "dict"),
        y_title=(const("size"), "str"), log_y=(const(True), "bool"),
        hlines=(const({"limit": 10.0}), "any"), annotate=(const(True), "bool"),
        fmt=(const(".3g"), "str"), domain=(const(None), "any"),
        highlight=(const(None), "any"), stacked=(const(False), "bool"))),
    "figures.bars (highlight, stacked)": (as_json(F.bars), dict(
        CAPTION, categories=(const(["a", "b", "c"]), "any"),
        groups=(const(np.array([0.0, 2.0, 1.0])), "array"),
        highlight=(const(["before", "after", "after"]), "any"),
        stacked=(const(True), "bool"), annotate=(const(True), "bool"),
        domain=(const((0.0, 3.0)), "any"))),
    "figures.panels": (as_json(F.panels), {
        "figures": (lambda: [small_figure(), small_figure()], "any"),
        "caption": (const("Two panels."), "str"), "alt": (const(None), "any"),
        "columns": (const(2), "int")}),
    "figures.table": (as_json(F.table), {
        "columns": (const({"T": [128, 512], "ratio": [0.5, 0.125], "name": ["a", "b"]}), "dict"),
        "caption": (const("A table."), "str"), "formats": (const({"ratio": ".2f"}), "any")}),
    "figures.attention_view": (as_json(F.attention_view), {
        "tokens": (const(TOKENS3), "any"), "weights": (softmax_rows(2, 3, 3), "array"),
        "caption": (const("Two heads."), "str"), "head": (const(1), "int"),
        "layer": (const(0), "int"), "threshold": (const(0.1), "float"),
        "head_names": (const(None), "any")}),
    "figures.routing_graph": (as_json(F.routing_graph), {
        "tokens": (const(TOKENS3), "any"), "weights": (softmax_rows(3, 3), "array"),
        "caption": (const("Routes."), "str"), "threshold": (const(0.2), "float"),
        "layer_names": (const(None), "any")}),
    "figures.show": (F.show, {}),
    "figures.take_shown": (lambda: (shown_figure(), F.take_shown())[1], {}),
    "figures.set_live_sink": (F.set_live_sink, {"sink": (const(None), "any")}),
})


def public_names():
    """Every public callable that ``import pycore`` exposes (functions and classes), and every
    public callable of ``pycore.figures`` (its ``__all__``) as ``"figures.<name>"``."""
    names = [name for name in dir(pc) if not name.startswith("_")
             and callable(getattr(pc, name))
             and not isinstance(getattr(pc, name), types.ModuleType)]
    names += [f"figures.{name}" for name in pc.figures.__all__
              if callable(getattr(pc.figures, name))]
    return sorted(names)


def test_every_public_name_has_a_recipe():
    missing = [name for name in public_names() if name not in RECIPES]
    assert not missing, (f"public pycore names with no fuzz recipe in {__file__}: {missing}; "
                         "add one (a valid call and the kind of each argument)")
    for name, (function, args) in RECIPES.items():
        assert set(args) <= set(_parameter_names(function)), f"{name}: unknown args in recipe"


# ---- running one call ------------------------------------------------------------------------

class CallTimedOut(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds):
    """Raise CallTimedOut in the main thread after ``seconds`` (where SIGALRM exists)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise CallTimedOut(f"call still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Functions whose keyword arguments are documented by another signature.
SIGNATURE_OF = {pc.block: pc.block_forward}


def _parameter_names(function):
    target = SIGNATURE_OF.get(function, getattr(function, "signature_of", function))
    return [p.name for p in inspect.signature(target).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _names_an_argument(message, names):
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", message)
               for n in names)


# Documented -inf outputs: filters mark removed tokens -inf; a log-probability too small for
# the float range is -inf (probability 0), as in PyTorch. NaN and +inf are never allowed.
MINUS_INF_OK = {"top_k_filter", "top_p_filter", "log_softmax"}


def _nonfinite_in(out, minus_inf_ok=False, depth=0):
    """A description of the first NaN/inf in ``out`` (arrays, numbers, containers), or None."""
    if depth > 6:
        return None
    if isinstance(out, (float, np.floating, np.ndarray)):
        a = np.asarray(out)
        if a.dtype.kind not in "fc":
            return None
        bad = ~np.isfinite(a) & ~((a == -np.inf) if minus_inf_ok else False)
        return f"{np.count_nonzero(bad)} NaN/inf in {_short(out)}" if np.any(bad) else None
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, (list, tuple)):
        for item in out[:1000]:
            found = _nonfinite_in(item, minus_inf_ok, depth + 1)
            if found:
                return found
    return None


def run_call(name, function, kwargs, nonfinite_input):
    """Call ``function(**kwargs)`` and check the contract; return a short outcome label."""
    names = _parameter_names(function)
    with time_limit(CALL_SECONDS), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # warnings are not the contract under test here
        try:
            out = function(**kwargs)
            if isinstance(out, types.GeneratorType):  # train: run two steps
                out = [info for _, info in zip(range(2), out)]
        except (ValueError, TypeError) as exc:
            assert _names_an_argument(str(exc), names), (
                f"{name}({', '.join(kwargs)}) raised {type(exc).__name__} without naming any "
                f"of its arguments {names}: {exc}")
            return "error"
    if not nonfinite_input:
        if name == "quantization_error":  # documented: snr_db (and relative) may be +inf
            out = [out["max_abs"], out["rmse"]]
        found = _nonfinite_in(out, minus_inf_ok=name in MINUS_INF_OK)
        assert found is None, (f"{name} returned {found} for finite input "
                               f"({', '.join(f'{n}={_short(a)}' for n, a in kwargs.items())})")
    return "ok"


def _short(value):
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


# ---- the tests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(RECIPES))
def test_valid_call_succeeds(name):
    """The unmutated recipe works, so every failure below is the mutation's doing."""
    function, args = RECIPES[name]
    assert run_call(name, function, {n: make() for n, (make, _) in args.items()}, False) == "ok"


@pytest.mark.parametrize("name", sorted(n for n, (_, args) in RECIPES.items() if args))
@FUZZ
@given(data=st.data())
def test_malformed_arguments_fail_clearly_or_work(name, data):
    function, args = RECIPES[name]
    kwargs = {n: make() for n, (make, _) in args.items()}
    target = data.draw(st.sampled_from(sorted(args)), label="argument")
    kind = args[target][1]
    mutation = data.draw(st.sampled_from(MUTATIONS[kind]), label="mutation")
    kwargs[target], nonfinite = mutation(data, kwargs[target])
    run_call(name, function, kwargs, nonfinite)


# ---- the cases the adversarial review reported (issue 15), kept as named regressions -----------

def _npz(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _saved_with(name, value):
    """The bytes of a saved tiny model with entry ``name`` replaced by ``value``."""
    with np.load(saved_model()) as archive:
        arrays = {n: archive[n] for n in archive.files}
    arrays[name] = value
    return io.BytesIO(_npz(arrays))


def _zip_bomb(entry):
    """An archive whose ``entry`` claims 1.6 GB (200M float64) and holds 16 MB of zeros,
    deflated to a few kB: reading it would expand far beyond its size."""
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("__config__.npy", _npz_entry(np.array(CFG.to_json())))
        with archive.open(entry + ".npy", "w", force_zip64=True) as f:
            header = io.BytesIO()
            np.lib.format.write_array_header_1_0(
                header, {"descr": "<f8", "fortran_order": False, "shape": (200_000_000,)})
            f.write(header.getvalue())
            f.write(bytes(1 << 24))
    buffer.seek(0)
    return buffer


def _npz_entry(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


_q, _k, _v = normal(2, 3, 4)(), normal(2, 5, 4, seed=1)(), normal(2, 5, 4, seed=2)()
_x0 = np.zeros(3)
_tokens = pc.init_params(CFG)["tokens"]

# name -> (call, the word the error must name, or None: must return finite output)
REPORTED = {
    "sdpa q, k x 1e160": (lambda: pc.scaled_dot_product_attention(_q * 1e160, _k * 1e160, _v),
                          None),
    "sdpa scale=1e308": (lambda: pc.scaled_dot_product_attention(_q, _k, _v, scale=1e308), None),
    "flash q, k x 1e160": (lambda: pc.flash_attention(_q * 1e160, _k * 1e160, _v), None),
    "mha x = 1e160": (lambda: pc.multi_head_attention(np.full((1, 3, 8), 1e160),
                                                      attention_params(), 2), None),
    "load zip bomb, unexpected entry": (lambda: pc.load(_zip_bomb("evil")), "path"),
    "load zip bomb, expected entry": (lambda: pc.load(_zip_bomb("tokens")), "path"),
    "load complex": (lambda: pc.load(_saved_with("tokens", _tokens.astype(complex))), "tokens"),
    "load string": (lambda: pc.load(_saved_with("tokens", np.full(_tokens.shape, "a"))),
                    "tokens"),
    "load bool": (lambda: pc.load(_saved_with("tokens", np.ones(_tokens.shape, bool))), "tokens"),
    "load NaN": (lambda: pc.load(_saved_with("tokens", np.full(_tokens.shape, np.nan))),
                 "tokens"),
    "load not a zip": (lambda: pc.load(io.BytesIO(b"PK\x03\x04garbage")), "path"),
    "load empty file": (lambda: pc.load(io.BytesIO(b"")), "path"),
    "load truncated": (lambda: pc.load(io.BytesIO(saved_model().getvalue()[:500])), "path"),
    "load bad JSON": (lambda: pc.load(_saved_with("__config__", np.array("{no"))), "path"),
    "rope_angles d=None": (lambda: pc.rope_angles([0, 1], None), "d"),
    "rope_angles d=0": (lambda: pc.rope_angles([0, 1], 0), "d"),
    "rope_angles d=4.5": (lambda: pc.rope_angles([0, 1], 4.5), "d"),
    "rope_angles d=3": (lambda: pc.rope_angles([0, 1], 3), "d"),
    "rope_angles base=0": (lambda: pc.rope_angles([0, 1], 4, 0), "base"),
    "rope_angles base=nan": (lambda: pc.rope_angles([0, 1], 4, float("nan")), "base"),
    "numerical_gradient h=0": (lambda: pc.numerical_gradient(lambda: 1.0, _x0, h=0), "h"),
    "numerical_gradient h=nan": (lambda: pc.numerical_gradient(lambda: 1.0, _x0, h=np.nan), "h"),
    "numerical_gradient h='a'": (lambda: pc.numerical_gradient(lambda: 1.0, _x0, h="a"), "h"),
    "cross_entropy ignore 'pad'": (lambda: pc.cross_entropy(np.zeros((2, 3)), [0, 1], "pad"),
                                   "ignore_index"),
    "cross_entropy ignore 2.5": (lambda: pc.cross_entropy(np.zeros((2, 3)), [0, 1], 2.5),
                                 "ignore_index"),
    "cross_entropy ignore True": (lambda: pc.cross_entropy(np.zeros((2, 3)), [0, 1], True),
                                  "ignore_index"),
    "cross_entropy ignore [1]": (lambda: pc.cross_entropy(np.zeros((2, 3)), [0, 1], [1]),
                                 "ignore_index"),
    "generate(params)": (lambda: pc.generate(pc.init_params(CFG), [1, 2], 2), "model"),
    "beam_search(params)": (lambda: pc.beam_search(pc.init_params(CFG), [1, 2], 2, 2), "model"),
    "speculative_generate(params)": (lambda: pc.speculative_generate(
        pc.init_params(CFG), model(), [1, 2], 2), "target"),
    "get_batch rng=0": (lambda: pc.get_batch(np.arange(20), 2, 4, rng=0), None),
    "attention_backward, no weights": (lambda: pc.attention_backward(
        np.zeros((2, 3, 4)), {n: a for n, a in attention_cache().items() if n != "weights"}),
        "saved"),
    "attention_backward {}": (lambda: pc.attention_backward(np.zeros((2, 3, 4)), {}), "saved"),
    "multi_head_attention_backward {}": (lambda: pc.multi_head_attention_backward(
        np.zeros((1, 3, 8)), {}), "saved"),
    "decoder_backward {}": (lambda: pc.decoder_backward(np.zeros((1, 3, V)), {}), "saved"),
    "cross_entropy_backward {}": (lambda: pc.cross_entropy_backward(1.0, {}), "saved"),
    "embedding_backward {}": (lambda: pc.embedding_backward(np.zeros((2, 4)), {}), "saved"),
    "layer_norm_backward []": (lambda: pc.layer_norm_backward(np.zeros((2, 4)), []), "saved"),
    "clip_grad_norm NaN": (lambda: pc.clip_grad_norm({"w": np.array([np.nan, 1.0])}, 1.0),
                           "grads"),
    "global_norm inf": (lambda: pc.global_norm({"w": np.array([np.inf, 1.0])}), "grads"),
    "global_norm of 1e200s": (lambda: pc.global_norm({"w": np.array([1e200, 1e200])}), None),
    "KVCache(n_layers=10**12)": (lambda: pc.KVCache(n_layers=10 ** 12), "n_layers"),
    "alibi_slopes(10**12)": (lambda: pc.alibi_slopes(10 ** 12), "n_heads"),
    "alibi_bias of 4e12 entries": (lambda: pc.alibi_bias(4, 10 ** 6, 10 ** 6), "T"),
}


@pytest.mark.parametrize("case", sorted(REPORTED))
def test_reported_case(case):
    call, word = REPORTED[case]
    with time_limit(CALL_SECONDS):
        if word is None:
            assert _nonfinite_in(call()) is None, f"{case}: NaN or inf returned"
            return
        with pytest.raises((ValueError, TypeError)) as info:
            call()
    assert _names_an_argument(str(info.value), [word]), f"{case}: {info.value}"


def test_reported_decode_gives_replacement_characters():
    """Invalid UTF-8 (including encoded surrogates) decodes to U+FFFD, never a lone surrogate."""
    tok = bpe()
    for ids in ([0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xC3]):
        text = tok.decode(ids)
        assert "\ufffd" in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text), text


def test_reported_large_inputs_keep_attention_exact():
    """Scores beyond the float range still give the softmax's limit: the best key wins."""
    out, w = pc.scaled_dot_product_attention(_q * 1e160, _k * 1e160, _v, return_weights=True)
    best = np.argmax(np.matmul(_q, np.swapaxes(_k, -1, -2)), axis=-1)  # (2, 3)
    np.testing.assert_array_equal(w, np.eye(5)[best], err_msg="weights are one-hot on the max")
    np.testing.assert_allclose(pc.flash_attention(_q * 1e160, _k * 1e160, _v, block_size=2), out,
                               rtol=0, atol=1e-15, err_msg="flash equals sdpa")
    ordinary = pc.scaled_dot_product_attention(_q, _k, _v)
    np.testing.assert_allclose(pc.scaled_dot_product_attention(_q, _k, _v, scale=2.0 ** 1000),
                               pc.scaled_dot_product_attention(_q * 1e160, _k * 1e160, _v),
                               rtol=0, atol=1e-15, err_msg="one huge scale, one huge q and k")
    assert np.all(np.isfinite(ordinary))
