# KV-cache size for real model configurations: every head keeps its own K and V (MHA),
# groups of query heads share one K/V head (GQA), or all share one (MQA).
# Bytes = 2 (K and V) x layers x h_kv x d_head x T x bytes per value x batch.
import pycore as pc

model = "Llama3-70B" # @param {type:"select",options:["Llama3-8B","Llama3-70B","Mistral7B","GPT-3"]}
T = 4096  # @param {type: "slider", min: 512, max: 131072, step: 512}
dtype = "fp16"  # @param {type: "select", options: ["fp32", "fp16", "int8"]}
batch = 1  # @param {type: "slider", min: 1, max: 64, step: 1}

# Published shapes: layers, query heads h, KV heads h_kv, d_head (GPT-3: d_model 12288 / 96),
# and how many tokens each can hold: its context (GPT-3: 2,048, Brown et al. 2020; Llama 3.1:
# 131,072, Grattafiori et al. 2024; Mistral 7B: 8,192, Jiang et al. 2023, table 1). Mistral
# 7B attends over a sliding window of 4,096 tokens and keeps only those in a rolling buffer
# (Jiang et al. 2023, section 2), so its cache stops growing there.
MODELS = {
    "Llama3-8B": {"key": "llama3_8b", "n_layers": 32, "h": 32, "h_kv": 8, "d_head": 128,
                  "context": 131072},
    "Llama3-70B": {"key": "llama3_70b", "n_layers": 80, "h": 64, "h_kv": 8, "d_head": 128,
                   "context": 131072},
    "Mistral7B": {"key": "mistral_7b", "n_layers": 32, "h": 32, "h_kv": 8, "d_head": 128,
                  "context": 8192, "window": 4096},
    "GPT-3": {"key": "gpt3_175b", "n_layers": 96, "h": 96, "h_kv": 96,
              "d_head": 12288 // 96, "context": 2048},
}
BYTES = {"fp32": 4, "fp16": 2, "int8": 1}
GB = 1e9  # decimal gigabytes, as memory sizes are usually quoted

table = {}
notes = []
for m in MODELS.values():
    cached = min(T, m.get("window", T))  # tokens whose keys and values are kept
    sizes = {"cached_tokens": cached, "beyond_context": T > m["context"]}
    for scheme, h_kv in (("mha", m["h"]), ("built", m["h_kv"]), ("mqa", 1)):
        sizes[scheme + "_gb"] = pc.kv_cache_bytes(m["n_layers"], h_kv, m["d_head"], cached,
                                                  bytes_per_value=BYTES[dtype],
                                                  batch=batch) / GB
    sizes["saving"] = sizes["mha_gb"] / sizes["built_gb"]
    table[m["key"]] = sizes
    note = ""
    if sizes["beyond_context"]:
        note = f"beyond its {m['context']:,}-token context"
    elif cached < T:
        note = f"rolling buffer: only the last {cached:,} tokens"
    notes.append(note)

pc.figures.show(pc.figures.table({
    "model": list(MODELS),
    "h": [m["h"] for m in MODELS.values()],
    "h_kv": [m["h_kv"] for m in MODELS.values()],
    "MHA (GB)": [table[m["key"]]["mha_gb"] for m in MODELS.values()],
    "as built (GB)": [table[m["key"]]["built_gb"] for m in MODELS.values()],
    "MQA (GB)": [table[m["key"]]["mqa_gb"] for m in MODELS.values()],
    "note": notes,
}, formats={"h": ".0f", "h_kv": ".0f", "MHA (GB)": ".3f", "as built (GB)": ".3f", "MQA (GB)": ".3f"},
    caption=f"KV cache at T = {T:,} tokens, {dtype}, batch {batch} (GB = 10^9 bytes)."))

m = MODELS[model]
chosen = table[m["key"]]
print(f"{model}: 2 x {m['n_layers']} layers x {m['h_kv']} KV heads x {m['d_head']} x "
      f"{chosen['cached_tokens']} "
      f"tokens x {BYTES[dtype]} bytes x batch {batch} = {chosen['built_gb']:.2f} GB")
print(f"with one K/V per query head ({m['h']}): {chosen['mha_gb']:.2f} GB, "
      f"{chosen['saving']:.0f}x more")

schemes = {"MHA (h_kv = h)": "mha", "as built": "built", "MQA (h_kv = 1)": "mqa"}
beyond = [name for name, m in MODELS.items() if table[m["key"]]["beyond_context"]]
beyond_note = (f" {', '.join(beyond)}: T is beyond the model's context." if beyond else "")
pc.figures.show(pc.figures.bars(
    list(MODELS), {label: [table[m["key"]][scheme + "_gb"] for m in MODELS.values()]
                   for label, scheme in schemes.items()},
    annotate=True, fmt=".2f", y_title="KV cache (GB)", log_y=True,
    caption=(f"KV-cache size at T = {T:,} tokens, {dtype}, batch {batch}: sharing K/V heads "
             "(GQA, as the Llama and Mistral models ship) divides the cache by the number "
             "of query heads per K/V head; GPT-3 keeps one K/V per head (MHA)."
             + beyond_note)))

result = {"T": T, "dtype": dtype, "batch": batch, "models": table, "chosen": chosen}
