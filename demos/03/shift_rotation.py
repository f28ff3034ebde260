# Moving k positions forward is one fixed linear map: each (sin, cos) pair is rotated by the
# angle k * w_i, whatever the starting position p. So PE[p + k] = R_k PE[p] for every p.
import numpy as np

import pycore as pc

k = 3  # @param {type: "slider", min: 1, max: 50, step: 1}
pair = 0  # @param {type: "slider", min: 0, max: 7, step: 1}
T, d, base = 64, 16, 10000.0

pe = pc.sinusoidal_positions(T + k, d, base)  # (T + k, d)
w = base ** (-2 * np.arange(d // 2) / d)  # (d/2,) angular frequency of each pair


def rotation(angle):
    """2 x 2 map taking (sin a, cos a) to (sin(a + angle), cos(a + angle))."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, s], [-s, c]])


R_k = np.zeros((d, d))  # block diagonal: one 2 x 2 rotation per frequency pair
for i in range(d // 2):
    R_k[2 * i:2 * i + 2, 2 * i:2 * i + 2] = rotation(k * w[i])

predicted = pe[:T] @ R_k.T  # (T, d): row p is R_k PE[p]
shift_error = np.max(np.abs(predicted - pe[k:k + T]))
R_1 = np.zeros((d, d))
for i in range(d // 2):
    R_1[2 * i:2 * i + 2, 2 * i:2 * i + 2] = rotation(w[i])
power_error = np.max(np.abs(np.linalg.matrix_power(R_1, k) - R_k))  # R_k = (R_1)^k

block = R_k[2 * pair:2 * pair + 2, 2 * pair:2 * pair + 2]
print(f"R_k for pair {pair} (frequency {w[pair]:.4g}), k = {k}:")
print(np.round(block, 4))
print(f"max |R_k PE[p] - PE[p+k]| over p = 0..{T - 1}: {shift_error:.2e}")
print(f"max |R_1^k - R_k| = {power_error:.2e}   R_k orthogonal: "
      f"{np.allclose(R_k @ R_k.T, np.eye(d))}")

result = {
    "k": k,
    "pair": pair,
    "block": block,
    "shift_error": float(shift_error),
    "power_error": float(power_error),
}
