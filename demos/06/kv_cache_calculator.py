# KV-cache size for real model configurations: every head keeps its own K and V (MHA),
# groups of query heads share one K/V head (GQA), or all share one (MQA).
# Bytes = 2 (K and V) x layers x h_kv x d_head x T x bytes per value x batch.
import pycore as pc

model = "Llama3-70B" # @param {type:"select",options:["Llama3-8B","Llama3-70B","Mistral7B","GPT-3"]}
T = 4096  # @param {type: "slider", min: 512, max: 131072, step: 512}
dtype = "fp16"  # @param {type: "select", options: ["fp32", "fp16", "int8"]}
batch = 1  # @param {type: "slider", min: 1, max: 64, step: 1}

# Published shapes: layers, query heads h, KV heads h_kv, d_head (GPT-3: d_model 12288 / 96).
MODELS = {
    "Llama3-8B": {"key": "llama3_8b", "n_layers": 32, "h": 32, "h_kv": 8, "d_head": 128},
    "Llama3-70B": {"key": "llama3_70b", "n_layers": 80, "h": 64, "h_kv": 8, "d_head": 128},
    "Mistral7B": {"key": "mistral_7b", "n_layers": 32, "h": 32, "h_kv": 8, "d_head": 128},
    "GPT-3": {"key": "gpt3_175b", "n_layers": 96, "h": 96, "h_kv": 96,
                   "d_head": 12288 // 96},
}
BYTES = {"fp32": 4, "fp16": 2, "int8": 1}
GB = 1e9  # decimal gigabytes, as memory sizes are usually quoted

table = {}
print(f"KV cache at T = {T} tokens, {dtype}, batch {batch}  (GB = 10^9 bytes)")
print(f"{'model':12s} {'h':>3s} {'h_kv':>4s} {'MHA':>9s} {'as built':>9s} {'MQA':>9s}")
for name, m in MODELS.items():
    sizes = {}
    for scheme, h_kv in (("mha", m["h"]), ("built", m["h_kv"]), ("mqa", 1)):
        sizes[scheme + "_gb"] = pc.kv_cache_bytes(m["n_layers"], h_kv, m["d_head"], T,
                                                  bytes_per_value=BYTES[dtype],
                                                  batch=batch) / GB
    sizes["saving"] = sizes["mha_gb"] / sizes["built_gb"]
    table[m["key"]] = sizes
    print(f"{name:12s} {m['h']:3d} {m['h_kv']:4d} {sizes['mha_gb']:9.3f} "
          f"{sizes['built_gb']:9.3f} {sizes['mqa_gb']:9.3f}")

m = MODELS[model]
chosen = table[m["key"]]
print()
print(f"{model}: 2 x {m['n_layers']} layers x {m['h_kv']} KV heads x {m['d_head']} x {T} "
      f"tokens x {BYTES[dtype]} bytes x batch {batch} = {chosen['built_gb']:.2f} GB")
print(f"with one K/V per query head ({m['h']}): {chosen['mha_gb']:.2f} GB, "
      f"{chosen['saving']:.0f}x more")

schemes = {"MHA (h_kv = h)": "mha", "as built": "built", "MQA (h_kv = 1)": "mqa"}
pc.figures.show(pc.figures.bars(
    list(MODELS), {label: [table[m["key"]][scheme + "_gb"] for m in MODELS.values()]
                   for label, scheme in schemes.items()},
    annotate=True, fmt=".2f", y_title="KV cache (GB)",
    caption=(f"KV-cache size at T = {T:,} tokens, {dtype}, batch {batch}: sharing K/V heads "
             "(GQA, as the Llama and Mistral models ship) divides the cache by the number "
             "of query heads per K/V head; GPT-3 keeps one K/V per head (MHA).")))

result = {"T": T, "dtype": dtype, "batch": batch, "models": table, "chosen": chosen}
