# Speculative decoding: a small draft model proposes n_draft tokens, the target model checks
# them all in one forward pass, keeping each with probability min(1, p/q) and resampling the
# first rejected one from norm(max(0, p - q)). The output follows the target's distribution
# exactly; a better draft only means more tokens per target call.
# The target is the book's lm_tiny; the draft is lm_draft, a smaller model trained on the same
# text for this purpose (models/README.md).
import numpy as np

import pycore as pc

n_draft = 4  # @param {type: "slider", min: 1, max: 8, step: 1}
temperature = 1.0  # @param {type: "slider", min: 0.5, max: 2.0, step: 0.1}
n_new = 48  # new characters (the prompt plus these fit max_len = 64)

target, tok = pc.load_pretrained("lm_tiny")  # 2 layers, d_model 64
draft, _ = pc.load_pretrained("lm_draft")  # 1 layer, d_model 32, same tokenizer
V = tok.vocab_size
prompt = np.array(tok.encode("The attention "))  # (T_prompt,)

ids, stats = pc.speculative_generate(target, draft, prompt, n_new, n_draft=n_draft,
                                     temperature=temperature, seed=0)
print("output:", repr(tok.decode(ids)))
print(f"acceptance rate {stats['acceptance_rate']:.3f} "
      f"({stats['accepted']} of {stats['drafted']} drafts kept)")
print(f"target calls {stats['target_calls']} for {n_new} tokens: "
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
    [repr(tok.decode([int(i)])) for i in top], {"target p": p[top], "draft q": q[top],
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
