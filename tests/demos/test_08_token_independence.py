"""demos/08/token_independence.py: the FFN commutes with permutations; attention mixes tokens."""
import pytest


def test_default_run(cpython_run):
    outcome = cpython_run("08/token_independence")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    assert result["permutation_max_abs_diff"] <= 1e-12
    changed = result["changed"]
    # The FFN moves only the edited row; causal attention moves that row and every later one.
    assert result["ffn_rows_changed"] == [changed]
    assert result["attention_rows_changed"] == list(range(changed, 8))


@pytest.mark.parametrize("activation", ["relu", "gelu", "swiglu"])
@pytest.mark.parametrize("T, changed", [(5, 0), (12, 11), (3, 30)])
def test_every_activation_and_position(activation, T, changed, run_with):
    result = run_with("08/token_independence", activation=activation, T=T, changed=changed)
    expected = min(changed, T - 1)  # the demo clamps the slider to the sequence
    assert result["changed"] == expected
    assert result["permutation_max_abs_diff"] <= 1e-12
    assert result["ffn_rows_changed"] == [expected]
    assert result["attention_rows_changed"] == list(range(expected, T))
