# What does each position scheme give a model at positions beyond its training length T_train?
# Not a trained model: we measure the position signal itself, for positions 0 .. 4 T_train - 1.
import numpy as np

import pycore as pc

T_train = 32  # @param {type: "slider", min: 8, max: 64, step: 8}
d = 16  # width of the position features (d_model for sinusoidal, d_head for RoPE)
n_heads = 8
far = 4 * T_train  # evaluate up to 4x the training length

# 1) Learned absolute positions: a table with one trained row per position 0 .. T_train - 1.
table = np.random.default_rng(0).standard_normal((T_train, d))  # (T_train, d): "trained" rows
try:
    table[T_train]
    learned = "a row exists"
except IndexError as error:
    learned = f"IndexError: {error}"

# 2) Sinusoidal (position p) and RoPE (offset m - n) use the same angles p * w_i, so one
#    measurement covers both: how far is the feature vector at p from every vector seen in
#    training, in units of one step between neighbouring positions?
features = pc.sinusoidal_positions(far, d)  # (4 T_train, d)
seen = features[None, :T_train, :]  # (1, T_train, d) the encodings seen in training
gaps = np.linalg.norm(features[:, None, :] - seen, axis=-1)  # (4 T_train, T_train)
step = np.linalg.norm(features[1] - features[0])  # the same for every p (a rotation)
novelty = gaps.min(axis=1) / step  # (4 T_train,) 0 for every p < T_train

# 3) ALiBi: the last query of a sequence of 4 T_train tokens, keys with equal content (score
#    0), so the weights come from the bias alone. How much weight lands T_train or more back?
bias = pc.alibi_bias(n_heads, far)[:, -1, :]  # (h, 4 T_train) the last query's row, per head
weights = pc.softmax(bias)  # (h, 4 T_train)
distance = far - 1 - np.arange(far)  # (4 T_train,) how far back each key is
mass_beyond = weights[:, distance >= T_train].sum(axis=1)  # (h,)
lowest_trained = pc.alibi_slopes(n_heads) * (T_train - 1)  # (h,) largest penalty in training

F = pc.figures
F.show(F.panels([
    F.lines(np.arange(far), novelty, x_title="position p (RoPE: offset m − n)",
            y_title="steps to nearest trained", vlines={f"T_train = {T_train}": T_train},
            title="Sinusoidal and RoPE: new encodings",
            caption="Distance from each position's encoding to the nearest one seen in training."),
    F.bars([f"1/{1 / m:g}" for m in pc.alibi_slopes(n_heads)], mass_beyond, domain=(0, 1),
           annotate=True, fmt=".2f", x_title="ALiBi head (slope m)",
           y_title=f"weight ≥ {T_train} back", title=f"ALiBi: query at {far - 1}",
           caption="Weight the last query puts on keys at least T_train back, per head."),
], columns=2, caption=(
    f"First: beyond T_train = {T_train} the sinusoidal (and RoPE) encodings are vectors the "
    "model never saw, up to several steps away from any trained one. Second: ALiBi's shallow "
    "heads put real weight on keys farther back than any distance seen in training.")))

print(f"trained on T_train = {T_train} positions, evaluated up to {far - 1}")
print(f"learned absolute, position {T_train}:", learned)
print(f"sinusoidal/RoPE: novelty 0 for p < T_train; at 2 T_train: "
      f"{novelty[2 * T_train - 1]:.2f} steps, at 4 T_train: {novelty[-1]:.2f} steps")
print("ALiBi weight beyond the trained distance, per head:", np.round(mass_beyond, 3))

result = {
    "T_train": T_train,
    "learned": learned,
    "novelty_inside_max": float(novelty[:T_train].max()),
    "novelty_2x": float(novelty[2 * T_train - 1]),
    "novelty_4x": float(novelty[-1]),
    "alibi_mass_beyond": mass_beyond,
    "alibi_lowest_trained": lowest_trained,
    "alibi_lowest_far": pc.alibi_slopes(n_heads) * (far - 1),
}
