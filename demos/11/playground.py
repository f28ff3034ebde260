# Decoding playground: the book's own character-level model (trained on this monograph's
# prose) continues a prompt. Change the strategy and the sampling knobs; the seed is fixed, so
# the same settings always give the same text.
import numpy as np

import pycore as pc

prompt = "The attention"  # @param {type: "select", options: ["The attention", "A token", "Heads"]}
strategy = "sample"  # @param {type: "select", options: ["greedy", "sample", "beam"]}
temperature = 0.8  # @param {type: "slider", min: 0.1, max: 2.0, step: 0.1, label: "Temperature", when: 'strategy == "sample"'}
top_k = 0  # @param {type: "slider", min: 0, max: 40, step: 1, label: "Top-k (0 = off)", when: 'strategy == "sample"'}
top_p = 1.0  # @param {type: "slider", min: 0.05, max: 1.0, step: 0.05, label: "Top-p (1 = off)", when: 'strategy == "sample"'}
beam_width = 3  # @param {type: "slider", min: 1, max: 6, step: 1, label: "Beam width", when: 'strategy == "beam"'}
n_new = 48  # characters to add (prompt + new must fit max_len = 64)
seed = 0  # fixed: the same settings always draw the same text

model, tok = pc.load_pretrained("lm_tiny")
prompt_ids = np.array(tok.encode(prompt))  # (T_prompt,)
k = None if top_k == 0 else int(top_k)  # 0 on the slider means "no top-k filter"
p = None if top_p >= 1.0 else float(top_p)  # 1.0 means "no nucleus filter"

if strategy == "greedy":
    ids = pc.generate(model, prompt_ids, n_new, greedy=True)  # (T_prompt + n_new,)
elif strategy == "sample":
    ids = pc.generate(model, prompt_ids, n_new, temperature=temperature, top_k=k, top_p=p,
                      seed=seed)
else:
    ids = pc.beam_search(model, prompt_ids, beam_width, n_new)[0].ids  # the best beam

continuation = tok.decode(ids[len(prompt_ids):])
log_prob = pc.sequence_log_prob(model, ids, len(prompt_ids))  # sum of log p(token | prefix)
settings = {"greedy": "argmax at every step",
            "sample": f"temperature {temperature:g}, top-k {k}, top-p {p}, seed {seed}",
            "beam": f"beam width {beam_width}"}[strategy]
print(f"[{strategy}: {settings}]")
print(prompt + continuation)
print(f"\nlog-probability of the {n_new} new characters: {log_prob:.2f} nats "
      f"({log_prob / n_new:.3f} per character)")

result = {
    "prompt": prompt,
    "strategy": strategy,
    "temperature": temperature,
    "top_k": top_k,
    "top_p": top_p,
    "beam_width": beam_width,
    "n_new": n_new,
    "ids": ids,
    "text": prompt + continuation,
    "log_prob": log_prob,
    "log_prob_per_token": log_prob / n_new,
}
