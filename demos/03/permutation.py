# Attention without positions cannot see order: permuting the input tokens permutes the output
# rows the same way, f(P x) = P f(x). Adding position encodings breaks the symmetry.
import numpy as np

import pycore as pc

T, d_model = 6, 8
rng = np.random.default_rng(3)
x = rng.standard_normal((T, d_model))  # (T, d_model) token vectors, no position information
W_q, W_k, W_v = rng.standard_normal((3, d_model, d_model)) / np.sqrt(d_model)  # 3 x (d, d)


def attend(x, mask=None):
    """f(x): one attention head on x (T, d_model) -> (T, d_model)."""
    return pc.scaled_dot_product_attention(x @ W_q, x @ W_k, x @ W_v, mask)


perm = rng.permutation(T)  # a shuffle of the T positions
P = np.eye(T)[perm]  # (T, T) permutation matrix: (P x)[i] = x[perm[i]]
print("permutation:", perm)

err_plain = np.max(np.abs(attend(P @ x) - P @ attend(x)))

# Positions belong to slots, not tokens: after shuffling, slot i still gets PE[i].
pe = pc.sinusoidal_positions(T, d_model)  # (T, d_model)
err_positions = np.max(np.abs(attend(P @ x + pe) - P @ attend(x + pe)))

# A causal mask also depends on the slot, so it too breaks the symmetry.
mask = pc.causal_mask(T)  # (T, T) bool
err_causal = np.max(np.abs(attend(P @ x, mask) - P @ attend(x, mask)))

print(f"no positions, no mask : max |f(Px) - P f(x)| = {err_plain:.2e}")
print(f"sinusoidal positions  : max |f(Px) - P f(x)| = {err_positions:.2e}")
print(f"causal mask only      : max |f(Px) - P f(x)| = {err_causal:.2e}")

result = {
    "perm": perm,
    "err_plain": float(err_plain),
    "err_positions": float(err_positions),
    "err_causal": float(err_causal),
}
