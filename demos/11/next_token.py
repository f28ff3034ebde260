# The next-token distribution after a prompt: the 15 most likely characters before any
# filtering (temperature 1) and after temperature, top-k and top-p reshape it. Filtering sets
# logits to -inf; the softmax then gives the survivors all the probability.
import numpy as np

import pycore as pc

prompt = "The model"  # @param {type: "select", options: ["The model", "Each head ", "the atten"]}
temperature = 1.0  # @param {type: "slider", min: 0.1, max: 2.0, step: 0.1}
top_k = 0  # @param {type: "slider", min: 0, max: 40, step: 1}
top_p = 0.9  # @param {type: "slider", min: 0.05, max: 1.0, step: 0.05}
n_show = 15  # bars in the plot

model, tok = pc.load_pretrained("lm_tiny")
ids = np.array([tok.encode(prompt)])  # (1, T)
logits = model.forward(ids)[0, -1].astype(np.float64)  # (V,) scores for the next character
k = None if top_k == 0 else int(top_k)
p = None if top_p >= 1.0 else float(top_p)
before = pc.softmax(logits)  # (V,) the model's own distribution
after = pc.sampling_probs(logits, temperature=temperature, top_k=k, top_p=p)  # (V,)
order = np.argsort(-before, kind="stable")[:n_show]  # (n_show,) most likely first


def entropy(probs):
    nz = probs[probs > 0]
    return float(-np.sum(nz * np.log(nz))) + 0.0  # + 0.0 turns -0.0 into 0.0


def label(i):
    ch = tok.decode([int(i)])
    return {" ": "' '", "\n": "\\n"}.get(ch, ch)  # blanks shown visibly


pc.figures.show(pc.figures.bars(
    [label(i) for i in order], {"model": before[order], "reshaped": after[order]},
    x_title="next character", y_title="probability", domain=(0, 1),
    title=f"next character after {prompt!r}",
    caption=(f"The {n_show} likeliest next characters under the model (τ = 1, no filter) and "
             f"reshaped by τ = {temperature:g}, top-k = {top_k or 'off'}, top-p = {top_p:g}. "
             "Filtered "
             "characters drop to 0 and the survivors share their probability.")))

kept = int(np.count_nonzero(after))
print(f"top 5 before: {[(label(i), round(float(before[i]), 3)) for i in order[:5]]}")
print(f"tokens with non-zero probability after filtering: {kept} of {tok.vocab_size}")
print(f"entropy before {entropy(before):.3f} nats, after {entropy(after):.3f} nats")

result = {
    "prompt": prompt,
    "temperature": temperature,
    "top_k": top_k,
    "top_p": top_p,
    "logits": logits,
    "before": before,
    "after": after,
    "top_ids": order,
    "top_char": label(order[0]),
    "top_prob": float(before[order[0]]),
    "kept": kept,
    "vocab_size": tok.vocab_size,
    "n_params": int(sum(w.size for w in pc.flatten_params(model.params).values())),
    "entropy_before": entropy(before),
    "entropy_after": entropy(after),
}
