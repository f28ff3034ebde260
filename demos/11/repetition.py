# Greedy decoding loops. Always taking the most likely next character, the model soon
# returns to a context it has seen and, being deterministic, repeats itself from there.
# Sampling (here with top-p) breaks the loop. "Distinct 4-grams" is the fraction of the
# text's 4-character windows that are different: 1 means no repetition at all.
import numpy as np

import pycore as pc

prompt = "The attention"  # @param {type: "select", options: ["The attention", "A token", "Heads"]}
n_new = 48  # characters to add (prompt + new must fit max_len = 64)
top_p = 0.9  # nucleus for the sampled text
n = 4  # n-gram length for the repetition measure

model, tok = pc.load_pretrained("lm_tiny")
prompt_ids = np.array(tok.encode(prompt))  # (T_prompt,)
greedy_text = tok.decode(pc.generate(model, prompt_ids, n_new, greedy=True)[len(prompt_ids):])
sampled_text = tok.decode(
    pc.generate(model, prompt_ids, n_new, top_p=top_p, seed=0)[len(prompt_ids):])


def distinct_ngrams(text, n):
    """Fraction of the n-character windows of ``text`` that are distinct."""
    grams = [text[i:i + n] for i in range(len(text) - n + 1)]
    return len(set(grams)) / len(grams)


def loop_period(text):
    """Shortest period p such that the last half of ``text`` repeats with period p (0: none)."""
    tail = text[len(text) // 2:]
    for p in range(1, len(tail) // 2 + 1):
        if all(tail[i] == tail[i + p] for i in range(len(tail) - p)):
            return p
    return 0


print("greedy :", repr(greedy_text))
print("top-p  :", repr(sampled_text))
greedy_distinct = distinct_ngrams(greedy_text, n)
sampled_distinct = distinct_ngrams(sampled_text, n)
period = loop_period(greedy_text)
print(f"distinct {n}-grams: greedy {greedy_distinct:.2f}, top-p {sampled_distinct:.2f}; "
      f"greedy loop period: {period or 'none'}")

result = {
    "prompt": prompt,
    "n_new": n_new,
    "top_p": top_p,
    "n": n,
    "greedy_text": greedy_text,
    "sampled_text": sampled_text,
    "greedy_distinct": greedy_distinct,
    "sampled_distinct": sampled_distinct,
    "greedy_period": period,
}
