# A Chinchilla calculator. Training costs about C = 6 N D FLOPs (N parameters, D tokens:
# 2 N per token forward, 4 N backward; Kaplan et al. 2020, section 2.1). Hoffmann et al.
# (2022) found that for a fixed C, N and D should grow together, about 20 tokens per
# parameter. With D = 20 N, C = 120 N^2, so N = sqrt(C / 120) and D = 20 N.
import numpy as np

import pycore as pc

log10_compute = 23.0  # @param {type: "slider", min: 18, max: 26, step: 0.25}
tokens_per_parameter = 20  # @param {type: "slider", min: 5, max: 100, step: 1}

C = 10.0 ** log10_compute  # training FLOPs
N = np.sqrt(C / (6.0 * tokens_per_parameter))  # parameters
D = tokens_per_parameter * N  # training tokens
print(f"compute C = {C:.3g} FLOPs  ->  N = {N:.3g} parameters, D = {D:.3g} tokens")
print(f"check: 6 N D = {6 * N * D:.3g}")

# Hoffmann et al. (2022), Table 3: compute-optimal FLOPs and tokens for a few model sizes,
# from their "approach 1" fit. Their fit gives 20 to 22 tokens per parameter, not exactly 20.
PAPER_TABLE3 = [  # (parameters, FLOPs, tokens)
    (400e6, 1.92e19, 8.0e9),
    (1e9, 1.21e20, 20.2e9),
    (10e9, 1.23e22, 205.1e9),
    (175e9, 3.85e24, 3.7e12),
    (1e12, 1.27e26, 21.2e12),
]
rows = []
for n_paper, c_paper, d_paper in PAPER_TABLE3:
    n_rule = np.sqrt(c_paper / 120.0)  # D = 20 N, C = 6 N D = 120 N^2
    rows.append({"flops": c_paper, "paper_params": n_paper, "paper_tokens": d_paper,
                 "paper_tokens_per_param": d_paper / n_paper,
                 "rule_params": float(n_rule), "rule_tokens": float(20 * n_rule)})

F = pc.figures
F.show(F.table({
    "FLOPs C": [row["flops"] for row in rows],
    "paper N": [row["paper_params"] for row in rows],
    "paper D": [row["paper_tokens"] for row in rows],
    "paper D / N": [row["paper_tokens_per_param"] for row in rows],
    "20-token rule N": [row["rule_params"] for row in rows],
    "20-token rule D": [row["rule_tokens"] for row in rows],
}, formats={"FLOPs C": ".3g", "paper N": ".3g", "paper D": ".3g", "paper D / N": ".1f",
            "20-token rule N": ".3g", "20-token rule D": ".3g"},
    caption="Hoffmann et al. (2022), Table 3, against the 20-tokens-per-parameter rule "
            "at the same FLOPs: the rule's N lands within a few percent of the paper's."))

result = {
    "log10_compute": log10_compute,
    "tokens_per_parameter": tokens_per_parameter,
    "compute": C,
    "params": float(N),
    "tokens": float(D),
    "paper_rows": rows,
}
