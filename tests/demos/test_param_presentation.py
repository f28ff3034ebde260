"""The @param fields of issue 17: label, units, format and when (validated at build time)."""
import pytest

from demos.params import parse_params, parse_when

STRATEGY = 'strategy = "sample"  # @param {type: "select", options: ["greedy", "sample", "beam"]}\n'


def test_label_units_format_are_shipped():
    (control,) = parse_params(
        'beam_width = 3  # @param {type: "slider", min: 1, max: 6, label: "Beam width", '
        'units: "beams", format: ".0f"}\n'
    )
    assert control["label"] == "Beam width"
    assert control["units"] == "beams"
    assert control["format"] == ".0f"


def test_when_is_parsed_against_another_control():
    controls = parse_params(
        STRATEGY + "beam_width = 3  # @param {type: \"slider\", min: 1, max: 6, "
        "when: 'strategy == \"beam\"'}\n"
    )
    assert controls[1]["when"] == {"name": "strategy", "op": "==", "value": "beam"}


@pytest.mark.parametrize("text, expected", [
    ("use_cache", {"name": "use_cache", "op": "truthy", "value": None}),
    ("not use_cache", {"name": "use_cache", "op": "falsy", "value": None}),
    ("k != 3", {"name": "k", "op": "!=", "value": 3}),
])
def test_when_forms(text, expected):
    assert parse_when(text) == expected


@pytest.mark.parametrize("line, message", [
    ("x = 3  # @param {type: \"slider\", min: 1, max: 6, when: 'nobody == 1'}",
     "not another control"),
    ("x = 3  # @param {type: \"slider\", min: 1, max: 6, when: 'strategy == \"wide\"'}",
     "not among its options"),
    ("x = 3  # @param {type: \"slider\", min: 1, max: 6, when: 'strategy ~ 1'}",
     "when must read"),
    ("x = 3  # @param {type: \"slider\", min: 1, max: 6, when: 'not strategy == 1'}",
     "when must read"),
    ("x = 3  # @param {type: \"slider\", min: 1, max: 6, format: \"%d\"}", "format must be"),
    ("x = 3  # @param {type: \"slider\", min: 1, max: 6, units: \"\"}", "units must be"),
    ("x = True  # @param {type: \"checkbox\", units: \"s\"}", "unknown field"),
])
def test_bad_fields_stop_the_build_naming_the_line(line, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_params(STRATEGY + line + "\n")
    assert "line 2" in str(error.value)


def test_every_book_condition_is_valid():
    """The book's demos parse with the new fields (a bad when would stop the build)."""
    from pathlib import Path

    demos = Path(__file__).resolve().parents[2] / "demos"
    conditions = [control for path in sorted(demos.glob("[0-9][0-9]/*.py"))
                  for control in parse_params(path.read_text(encoding="utf-8"))
                  if "when" in control]
    names = {control["name"] for control in conditions}
    assert {"beam_width", "top_k"} <= names, "11/playground's knobs lost their conditions"
    for control in conditions:
        assert control["when"]["name"] != control["name"]
