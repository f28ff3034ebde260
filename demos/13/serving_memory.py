# Serving: once the weights are loaded, the rest of the GPU's memory holds KV caches, one per
# sequence in flight. How many sequences fit depends on the context length and on how many
# key/value heads the model keeps (grouped-query attention, GQA, versus one per query head).
import numpy as np

import pycore as pc

model = "Llama3-8B"  # @param {type:"select",options:["Llama3-8B","Llama3-70B","Mistral7B","GPT-3"]}
gpu_gb = 80  # @param {type: "slider", min: 24, max: 640, step: 8}
T = 4096  # @param {type: "slider", min: 1024, max: 32768, step: 1024}

GB = 1e9  # decimal gigabytes
FP16 = 2  # bytes per value for weights and cache
# Published shapes (layers, query heads h, KV heads h_kv, d_head) and parameter counts.
# GPT-3 175B has no GQA; its "with GQA" column is a hypothetical 8-KV-head variant.
MODELS = {
    "Llama3-8B": {"n_layers": 32, "h": 32, "h_kv": 8, "d_head": 128, "params": 8.03e9},
    "Llama3-70B": {"n_layers": 80, "h": 64, "h_kv": 8, "d_head": 128, "params": 70.6e9},
    "Mistral7B": {"n_layers": 32, "h": 32, "h_kv": 8, "d_head": 128, "params": 7.24e9},
    "GPT-3": {"n_layers": 96, "h": 96, "h_kv": 8, "d_head": 128, "params": 175e9},
}


def per_sequence_gb(m, h_kv, T):
    """KV cache of one sequence of T tokens, fp16, in GB."""
    return pc.kv_cache_bytes(m["n_layers"], h_kv, m["d_head"], T, bytes_per_value=FP16) / GB


def sequences_that_fit(m, h_kv, T, gpu_gb):
    """Whole sequences whose caches fit next to the fp16 weights (0 if the weights do not)."""
    free_gb = gpu_gb - m["params"] * FP16 / GB
    return max(0, int(free_gb // per_sequence_gb(m, h_kv, T)))


m = MODELS[model]
weights_gb = m["params"] * FP16 / GB
gqa = {"cache_gb": per_sequence_gb(m, m["h_kv"], T),
       "sequences": sequences_that_fit(m, m["h_kv"], T, gpu_gb)}
mha = {"cache_gb": per_sequence_gb(m, m["h"], T),
       "sequences": sequences_that_fit(m, m["h"], T, gpu_gb)}
print(f"{model}: weights {weights_gb:.1f} GB in fp16 on {gpu_gb} GB of GPU memory")
if weights_gb >= gpu_gb:
    print("  the weights alone do not fit: shard the model over more GPUs (raise gpu_gb)")
hypothetical = " (hypothetical: GPT-3 has no GQA)" if model == "GPT-3" else ""
print(f"  KV cache per sequence at T = {T}: {gqa['cache_gb']:.2f} GB with h_kv = {m['h_kv']}"
      f"{hypothetical}, "
      f"{mha['cache_gb']:.2f} GB with h_kv = h = {m['h']}")
print(f"  sequences in flight: {gqa['sequences']} with GQA, {mha['sequences']} without")

# The facts the chapter quotes: Llama-3-70B, 4,096 tokens, fp16.
llama70 = MODELS["Llama3-70B"]
facts = {"llama3_70b_gqa_gb": per_sequence_gb(llama70, llama70["h_kv"], 4096),
         "llama3_70b_mha_gb": per_sequence_gb(llama70, llama70["h"], 4096)}

Ts = np.arange(1024, 32768 + 1, 1024)  # (32,)
pc.figures.show(pc.figures.lines(
    Ts, {f"h_kv = {m['h_kv']} (GQA{', hypothetical' if model == 'GPT-3' else ''})": [sequences_that_fit(m, m["h_kv"], t, gpu_gb) for t in Ts],
         f"h_kv = {m['h']} (one per head)":
         [sequences_that_fit(m, m["h"], t, gpu_gb) for t in Ts]},
    vlines={f"T = {T}": T}, x_title="context length T (tokens)", y_title="sequences that fit",
    title=f"{model}, {gpu_gb} GB, fp16 weights and cache",
    caption=("How many sequences' KV caches fit next to the weights, against context length. "
             f"Keeping {m['h_kv']} K/V heads instead of {m['h']} fits about "
             f"{m['h'] // m['h_kv']} times as many; both counts fall roughly as 1/T, and are 0 "
             "when the weights alone fill the GPU.")))

result = {"model": model, "gpu_gb": gpu_gb, "T": T, "weights_gb": weights_gb, "gqa": gqa,
          "mha": mha, "facts": facts}
