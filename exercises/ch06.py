"""Chapter 06 "Check yourself": the KV-cache size of a grouped-query-attention model.

The reader computes 2 (K and V) x layers x h_kv x d_head x T x bytes per value for the model in
``KV_CACHE_PROBLEM`` (GQA: Ainslie et al. 2023; MQA: Shazeer 2019). The checker recomputes the
answer with ``pycore.kv_cache_bytes`` and recognises the usual slips: caching one K/V per
*query* head, forgetting that both K and V are cached, and counting fp32 instead of fp16.
"""
import numpy as np

import pycore as pc

from . import register, verdict

#: The model of the exercise (GQA: 4 query heads share each key/value head).
KV_CACHE_PROBLEM = {
    "n_layers": 24,
    "n_heads": 16,
    "n_kv_heads": 4,
    "d_head": 64,
    "T": 2048,
    "bytes_per_value": 2,  # fp16
    "batch": 1,
}


def _bytes(n_kv_heads, bytes_per_value):
    p = KV_CACHE_PROBLEM
    return pc.kv_cache_bytes(p["n_layers"], n_kv_heads, p["d_head"], p["T"],
                             bytes_per_value=bytes_per_value, batch=p["batch"])


@register("06/kv_cache_bytes")
def check_kv_cache_bytes(answer):
    """Accept the KV-cache size of ``KV_CACHE_PROBLEM`` in bytes (within 0.5 %, so three
    significant figures are enough)."""
    p = KV_CACHE_PROBLEM
    if answer is None:
        return verdict(False, hint="set `answer` to a number of bytes.")
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return verdict(False, hint="`answer` should be a single number of bytes.")
    if not np.isfinite(got) or got <= 0:
        return verdict(False, hint="a cache size is a positive number of bytes.")

    def close(expected):
        return abs(got - expected) <= 5e-3 * expected

    right = _bytes(p["n_kv_heads"], p["bytes_per_value"])
    if close(right):
        return verdict(True, praise="that is the size of the cache with grouped-query attention.")
    if close(_bytes(p["n_heads"], p["bytes_per_value"])):
        return verdict(False, hint="with GQA only the key/value heads are cached, not one per "
                                   "query head.")
    if close(right / 2):
        return verdict(False, hint="both the keys and the values are cached: there is a factor 2.")
    if close(_bytes(p["n_kv_heads"], 4)):
        return verdict(False, hint="fp16 uses 2 bytes per value, not 4.")
    if close(right * 8) or close(right / 2**20) or close(right / 1e6):
        return verdict(False, hint="give the size in bytes (not bits, MiB or MB).")
    return verdict(False, hint="multiply 2 x layers x KV heads x d_head x tokens x bytes "
                               "per value.")
