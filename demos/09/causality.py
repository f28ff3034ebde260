# The causal mask makes the decoder autoregressive: the logits at position t may depend only on
# tokens 0..t. Change one token of the input and compare every position's logits with the
# original run: positions before the change must not move at all.
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
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
# Each bar is labelled by its character and position ("d₈"); a blank shows as "␣".
labels = [c.replace(" ", "␣") + str(t).translate(SUBSCRIPT) for t, c in enumerate(text)]
pc.figures.show(pc.figures.bars(
    labels, diff, x_title="input character and its position",
    highlight=["earlier" if t < change_at else "changed or later" for t in range(T)],
    y_title="max |Δ logits|",
    title=f"position {change_at}: {text[change_at]!r} → {replacement!r}",
    caption=(f"How far each position's logits move when the character at position {change_at} "
             "is replaced. Every position before it stays exactly 0 (no bar): the causal "
             "mask lets no position read later input.")))

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
