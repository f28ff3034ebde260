# Speculative decoding: a small draft model proposes n_draft tokens, the target model checks
# them all in one forward pass, keeping each with probability min(1, p/q) and resampling the
# first rejected one from norm(max(0, p - q)). The output follows the target's distribution
# exactly; a better draft only means more tokens per target call.
# Both models are tiny DecoderLMs trained here on one repeated sentence (no trained model
# ships with the book): the target for 60 steps, the smaller draft for 40.
import numpy as np

import pycore as pc

n_draft = 4  # @param {type: "slider", min: 1, max: 8, step: 1}
temperature = 1.0  # @param {type: "slider", min: 0.5, max: 2.0, step: 0.1}

text = "the cat sat on the mat. " * 8
chars = sorted(set(text))
data = np.array([chars.index(c) for c in text])  # (N,) character ids
V = len(chars)
target = pc.DecoderLM(pc.TransformerConfig(vocab_size=V, d_model=32, n_heads=4, n_layers=2,
                                           d_ff=64, max_len=128), seed=0)
draft = pc.DecoderLM(pc.TransformerConfig(vocab_size=V, d_model=16, n_heads=2, n_layers=1,
                                          d_ff=32, max_len=128), seed=1)
for model, steps in ((target, 60), (draft, 40)):
    losses = [log["loss"] for log in pc.train(model, data, steps=steps, batch_size=8,
                                              seq_len=24, lr=1e-2)]
prompt = data[:8]  # (T_prompt,) "the cat "

ids, stats = pc.speculative_generate(target, draft, prompt, 40, n_draft=n_draft,
                                     temperature=temperature, seed=0)
print("output:", repr("".join(chars[i] for i in ids)))
print(f"acceptance rate {stats['acceptance_rate']:.3f} "
      f"({stats['accepted']} of {stats['drafted']} drafts kept)")
print(f"target calls {stats['target_calls']} for 40 tokens: "
      f"{stats['tokens_per_target_call']:.2f} tokens per call (plain sampling: 1.00)")

# Exactness at one position: the distribution of the token that comes out of one
# verification step, summed over every token the draft could propose.
p = pc.sampling_probs(target.forward(prompt[None, :])[0, -1], temperature=temperature)  # (V,)
q = pc.sampling_probs(draft.forward(prompt[None, :])[0, -1], temperature=temperature)  # (V,)
accept = np.array([pc.acceptance_probability(p, q, x) if q[x] > 0 else 0.0
                   for x in range(V)])  # (V,) min(1, p/q)
kept = q * accept  # (V,) drafted x and kept
rejected_mass = 1.0 - kept.sum()  # chance the draft is rejected
output = kept + rejected_mass * pc.residual_distribution(p, q)  # (V,)
max_error = float(np.max(np.abs(output - p)))
alpha = float(np.minimum(p, q).sum())  # expected acceptance = sum_x min(p(x), q(x))
print(f"one step: max |output - p| = {max_error:.1e}; "
      f"expected acceptance sum min(p, q) = {alpha:.3f}")

top = np.argsort(-p)[:8]  # the target's 8 likeliest characters
pc.figures.show(pc.figures.bars(
    [repr(chars[i]) for i in top], {"target p": p[top], "draft q": q[top],
                                    "after verify": output[top]},
    x_title="next character", y_title="probability", domain=(0, 1),
    title="next character after the prompt",
    caption=("One verification step: the draft's q differs from the target's p, yet the "
             "distribution of the token that comes out (accept with min(1, p/q), else "
             "resample from the residual) equals p: each 'after verify' bar matches its "
             "'target p' bar.")))

result = {
    "n_draft": n_draft,
    "temperature": temperature,
    "acceptance_rate": stats["acceptance_rate"],
    "tokens_per_target_call": stats["tokens_per_target_call"],
    "target_calls": stats["target_calls"],
    "n_new": int(ids.shape[0] - prompt.shape[0]),
    "max_distribution_error": max_error,
    "expected_acceptance": alpha,
}
