# Greedy decoding commits to the single best character at every step; beam search keeps the
# `beam_width` best partial continuations and so can find a continuation whose *total*
# log-probability is higher. Width 1 is greedy. The curve shows the best beam at every width.
import numpy as np

import pycore as pc

beam_width = 4  # @param {type: "slider", min: 1, max: 8, step: 1}
prompt = "The attention"
n_new = 30  # characters to add
widths = list(range(1, beam_width + 1))  # the curve: every width up to the chosen one

model, tok = pc.load_pretrained("lm_tiny")
prompt_ids = np.array(tok.encode(prompt))  # (T_prompt,)
greedy_ids = pc.generate(model, prompt_ids, n_new, greedy=True)  # (T_prompt + n_new,)
greedy_lp = pc.sequence_log_prob(model, greedy_ids, len(prompt_ids))

best = {w: pc.beam_search(model, prompt_ids, w, n_new)[0] for w in widths}  # width -> best
chosen = best[beam_width]
curve = [best[w].log_prob for w in widths]

pc.figures.show(pc.figures.lines(
    widths, {"best beam": curve}, points=True, hlines={"greedy": greedy_lp},
    vlines={f"width {beam_width}": beam_width}, x_title="beam width",
    y_title="log p(continuation) (nats)", title=f"{n_new} characters after {prompt!r}",
    caption=("The log-probability of the best continuation each beam width finds, against "
             "greedy decoding (the horizontal line, the same as width 1). Higher is better, "
             "but not steadily: a wider beam can fill up with prefixes that start well.")))

print(f"greedy      ({greedy_lp:7.2f} nats): {tok.decode(greedy_ids)!r}")
print(f"beam w = {beam_width}  ({chosen.log_prob:7.2f} nats): {tok.decode(chosen.ids)!r}")

result = {
    "beam_width": beam_width,
    "prompt": prompt,
    "n_new": n_new,
    "greedy_ids": greedy_ids,
    "greedy_log_prob": greedy_lp,
    "beam_ids": np.asarray(chosen.ids),
    "beam_log_prob": float(chosen.log_prob),
    "gain": float(chosen.log_prob) - greedy_lp,
    "widths": widths,
    "curve": curve,
    "best_width": widths[int(np.argmax(curve))],
    "best_gain": float(max(curve)) - greedy_lp,
}
