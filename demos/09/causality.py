# The causal mask makes the decoder autoregressive: the logits at position t may depend only on
# tokens 0..t. Change one token of the input and compare every position's logits with the
# original run: positions before the change must not move at all.
import matplotlib.pyplot as plt
import numpy as np

import pycore as pc

change_at = 8  # @param {type: "slider", min: 0, max: 23, step: 1}
text = "The decoder reads left t"  # 24 characters, one position each
replacement = "#"  # the character written at position `change_at`

model, tok = pc.load_pretrained("lm_tiny")
ids = np.array([tok.encode(text)])  # (1, T)
changed = ids.copy()
changed[0, change_at] = tok.encode(replacement)[0]  # (1, T), one token different
logits = model.forward(ids)[0].astype(np.float64)  # (T, V)
logits_changed = model.forward(changed)[0].astype(np.float64)  # (T, V)
diff = np.max(np.abs(logits - logits_changed), axis=-1)  # (T,) largest change per position

T = ids.shape[1]
fig, ax = plt.subplots(figsize=(7, 2.6))
colors = ["tab:gray" if t < change_at else "tab:red" for t in range(T)]
ax.bar(range(T), diff, color=colors)
ax.axvline(change_at - 0.5, color="black", ls=":", lw=1)
ax.set_xticks(range(T))
ax.set_xticklabels(list(text), fontsize=8)
ax.set_xlabel("position (input character)")
ax.set_ylabel("max |change in logits|")
ax.set_title(f"position {change_at}: {text[change_at]!r} -> {replacement!r}", fontsize=9)
fig.tight_layout()

before, after = diff[:change_at], diff[change_at:]
print(f"largest change before position {change_at}: {before.max() if change_at else 0.0:.3g}")
print(f"largest change from position {change_at} on: {after.max():.3g}")
print(f"positions whose logits changed: {[int(t) for t in np.nonzero(diff > 0)[0]]}")

result = {
    "change_at": change_at,
    "text": text,
    "T": T,
    "diff": diff,
    "max_before": float(before.max()) if change_at else 0.0,
    "max_after": float(after.max()),
    "n_changed": int(np.count_nonzero(diff > 0)),
}
