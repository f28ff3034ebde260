"""demos/06/kv_cache_calculator.py against the KV-cache formula written out here."""
import numpy as np
import pytest


def _kv_gb(n_layers, h_kv, d_head, T, bytes_per_value=2, batch=1):
    """2 (K and V) x layers x h_kv x d_head x T x bytes x batch, in 10^9 bytes."""
    return 2 * n_layers * h_kv * d_head * T * bytes_per_value * batch / 1e9


def test_llama3_70b_at_4096_tokens_fp16(cpython_run):
    outcome = cpython_run("06/kv_cache_calculator")
    assert outcome["error"] is None, outcome["error"]
    models = outcome["result"]["models"]
    llama = models["llama3_70b"]
    assert llama["built_gb"] == pytest.approx(_kv_gb(80, 8, 128, 4096), rel=1e-12)
    assert llama["mha_gb"] == pytest.approx(_kv_gb(80, 64, 128, 4096), rel=1e-12)
    # The facts the chapter quotes: 1.34 GB with GQA, 10.7 GB with a K/V per head.
    assert round(llama["built_gb"], 2) == 1.34
    assert round(llama["mha_gb"], 1) == 10.7
    assert models["llama3_8b"]["built_gb"] == pytest.approx(_kv_gb(32, 8, 128, 4096))
    assert models["mistral_7b"]["mqa_gb"] == pytest.approx(_kv_gb(32, 1, 128, 4096))
    # GPT-3 has no GQA: d_head = 12288 / 96 = 128 and one K/V per head.
    gpt3 = models["gpt3_175b"]
    assert gpt3["built_gb"] == pytest.approx(_kv_gb(96, 96, 128, 4096))
    assert gpt3["saving"] == pytest.approx(1.0)
    # ... and a context of 2,048 tokens (Brown et al. 2020), which 4,096 exceeds: flagged.
    assert gpt3["beyond_context"] is True and llama["beyond_context"] is False
    sized, figure = outcome["figures"]
    # The table: one row per model, its sizes those of the result, the overflow noted.
    meta = sized["usermeta"]["itt"]
    assert meta["kind"] == "table" and meta["rows"] == 4
    assert meta["columns"] == ["model", "h", "h_kv", "MHA (GB)", "as built (GB)", "MQA (GB)",
                               "note"]
    cells = {(cell["r"], meta["columns"][cell["c"]]): cell for cell in sized["data"]["values"]}
    for r, key in enumerate(["llama3_8b", "llama3_70b", "mistral_7b", "gpt3_175b"]):
        assert cells[(r, "as built (GB)")]["value"] == models[key]["built_gb"]
        assert cells[(r, "MHA (GB)")]["value"] == models[key]["mha_gb"]
        assert cells[(r, "MQA (GB)")]["value"] == models[key]["mqa_gb"]
    assert cells[(3, "note")]["text"] == "beyond its 2,048-token context"
    assert cells[(1, "as built (GB)")]["text"] == "1.342"
    assert not outcome["stdout"].startswith("\n")
    assert figure["usermeta"]["itt"]["kind"] == "bars"
    assert "T = 4,096 tokens, fp16, batch 1" in figure["usermeta"]["itt"]["caption"]
    assert "GPT-3: T is beyond the model's context." in figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    heights = {(row["category"], row["group"]): row["value"] for row in rows}
    # Sizes span orders of magnitude: a log axis, bars growing from a power of ten below the
    # smallest (not from 0, which a log axis cannot hold), never stacked.
    (bar_layer, *_) = figure["layer"][0]["layer"]
    assert bar_layer["encoding"]["y"]["scale"]["type"] == "log"
    assert bar_layer["encoding"]["y"]["stack"] is None
    assert bar_layer["encoding"]["y2"] == {"field": "base"}
    smallest = min(heights.values())
    assert {row["base"] for row in rows} == {10.0 ** (np.ceil(np.log10(smallest)) - 1)}
    names = {"Llama3-8B": "llama3_8b", "Llama3-70B": "llama3_70b", "Mistral7B": "mistral_7b",
             "GPT-3": "gpt3_175b"}
    groups = {"MHA (h_kv = h)": "mha_gb", "as built": "built_gb", "MQA (h_kv = 1)": "mqa_gb"}
    assert len(heights) == len(names) * len(groups)
    for name, key in names.items():
        for group, size in groups.items():
            assert heights[(name, group)] == models[key][size], (name, group)
    assert heights[("Llama3-70B", "as built")] == pytest.approx(_kv_gb(80, 8, 128, 4096))


@pytest.mark.parametrize("T, dtype, nbytes, batch", [(512, "fp32", 4, 3), (131072, "int8", 1, 1)])
def test_controls_change_the_sizes_consistently(T, dtype, nbytes, batch, run_with):
    result = run_with("06/kv_cache_calculator", T=T, dtype=dtype, batch=batch,
                      model="Mistral7B")
    chosen = result["chosen"]
    # Mistral 7B's rolling buffer keeps at most its 4,096-token sliding window.
    kept = min(T, 4096)
    assert chosen["cached_tokens"] == kept
    assert chosen["built_gb"] == pytest.approx(_kv_gb(32, 8, 128, kept, nbytes, batch),
                                               rel=1e-12)
    assert chosen["mha_gb"] == pytest.approx(_kv_gb(32, 32, 128, kept, nbytes, batch),
                                             rel=1e-12)
    assert chosen["saving"] == pytest.approx(4.0)
    llama = result["models"]["llama3_8b"]
    assert llama["built_gb"] == pytest.approx(_kv_gb(32, 8, 128, T, nbytes, batch), rel=1e-12)
    # GPT-3 holds 2,048 tokens: any T beyond that is flagged, never silently computed.
    assert result["models"]["gpt3_175b"]["beyond_context"] is (T > 2048)


def test_gpt3_within_its_context_is_not_flagged(run_with):
    result = run_with("06/kv_cache_calculator", T=2048)
    assert not any(sizes["beyond_context"] for sizes in result["models"].values())
