"""demos/params.py: reading @param controls and rewriting them as the page does."""
import pytest

from demos.params import parse_params, with_values

SOURCE = (
    'd_k = 64  # @param {type: "slider", min: 4, max: 512, step: 4}\n'
    'mask = "causal"  # @param {type: "select", options: ["none", "causal"]}\n'
    "scaled = True  # @param {type: \"checkbox\"}\n"
    "print(d_k)  # not a control\n"
)


def test_parse_params_reads_each_control():
    controls = parse_params(SOURCE)
    assert [c["name"] for c in controls] == ["d_k", "mask", "scaled"]
    assert controls[0] == {"name": "d_k", "line": 0, "type": "slider", "value": 64,
                           "min": 4, "max": 512, "step": 4}
    assert controls[1]["options"] == ["none", "causal"]
    assert controls[2]["value"] is True


def test_with_values_rewrites_only_the_literal():
    rewritten = with_values(SOURCE, d_k=128, mask="none")
    assert [c["value"] for c in parse_params(rewritten)] == [128, "none", True]
    assert rewritten.splitlines()[3] == "print(d_k)  # not a control"
    assert rewritten.endswith("\n")


@pytest.mark.parametrize("bad, message", [
    ("x = 1  # @param {type: \"dial\"}", "unknown control type"),
    ("x = 1  # @param {type: \"slider\"}", "needs min and max"),
    ("x = f(1)  # @param {type: \"text\"}", "must be a literal"),
    ("    x = 1  # @param {type: \"text\"}", "top-level"),
])
def test_parse_params_rejects_bad_lines_naming_the_line(bad, message):
    with pytest.raises(ValueError, match=message):
        parse_params(bad)


def test_with_values_rejects_unknown_control():
    with pytest.raises(ValueError, match="no @param control named"):
        with_values(SOURCE, d_model=3)
