"""demos/08/token_independence.py: the FFN commutes with permutations; attention mixes tokens."""
from pathlib import Path

import pytest

from demos.params import parse_params
from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "08" / "token_independence.py"


def _with(source, **values):
    lines = source.splitlines()
    for control in parse_params(source):
        if control["name"] in values:
            name, rest = lines[control["line"]].split("=", 1)
            comment = rest[rest.index("#"):]
            lines[control["line"]] = f"{name}= {values[control['name']]!r}  {comment}"
    return "\n".join(lines)


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
def test_every_activation_and_position(activation, T, changed):
    source = _with(DEMO.read_text(encoding="utf-8"), activation=activation, T=T, changed=changed)
    outcome = run_demo(source, filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    expected = min(changed, T - 1)  # the demo clamps the slider to the sequence
    assert result["changed"] == expected
    assert result["permutation_max_abs_diff"] <= 1e-12
    assert result["ffn_rows_changed"] == [expected]
    assert result["attention_rows_changed"] == list(range(expected, T))
