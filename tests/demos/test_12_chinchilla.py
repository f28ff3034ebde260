"""demos/12/chinchilla.py: N and D solve C = 6 N D with D = r N; the paper rows are consistent."""
from numpy.testing import assert_allclose


def test_optimum_solves_both_equations(run_with):
    for log10_c, r in ((23.0, 20), (20.5, 20), (25.0, 40)):
        result = run_with("12/chinchilla", log10_compute=log10_c, tokens_per_parameter=r)
        C = 10.0 ** log10_c
        assert_allclose(result["compute"], C, rtol=1e-12, err_msg="compute")
        assert_allclose(6 * result["params"] * result["tokens"], C, rtol=1e-12,
                        err_msg="6 N D")
        assert_allclose(result["tokens"] / result["params"], r, rtol=1e-12, err_msg="D / N")
        assert_allclose(result["params"], (C / (6.0 * r)) ** 0.5, rtol=1e-12, err_msg="N")


def test_paper_rows_agree_with_the_rule(run_with):
    rows = run_with("12/chinchilla")["paper_rows"]
    assert len(rows) >= 3
    for row in rows:
        # The table itself obeys C = 6 N D (a typo in a typed row would break this).
        assert_allclose(row["flops"], 6 * row["paper_params"] * row["paper_tokens"], rtol=0.03,
                        err_msg=f"6 N D for N={row['paper_params']:.3g}")
        # The paper's fit gives 20 to 22 tokens per parameter, so the 20-token rule lands close.
        assert 19.5 < row["paper_tokens_per_param"] < 22.5, row
        assert_allclose(row["rule_params"], row["paper_params"], rtol=0.05,
                        err_msg=f"rule N for C={row['flops']:.3g}")
        assert_allclose(row["rule_tokens"], 20 * row["rule_params"], rtol=1e-12)


def test_paper_rows_show_as_a_table(cpython_run):
    outcome = cpython_run("12/chinchilla")
    rows = outcome["result"]["paper_rows"]
    (table,) = outcome["figures"]
    meta = table["usermeta"]["itt"]
    assert meta["kind"] == "table" and meta["rows"] == len(rows)
    keys = ["flops", "paper_params", "paper_tokens", "paper_tokens_per_param", "rule_params",
            "rule_tokens"]
    assert len(meta["columns"]) == len(keys)
    for cell in table["data"]["values"]:
        assert_allclose(cell["value"], rows[cell["r"]][keys[cell["c"]]], rtol=1e-12)
    # The printed summary stays short: the table is not printed as well.
    assert len(outcome["stdout"].splitlines()) == 2
