"""demos/params.py validates every @param field at build time (issue 15), so that the page
never receives a control it cannot build."""
import pytest

from demos.params import parse_params


@pytest.mark.parametrize("line, message", [
    ('x = 1  # @param {type: "select", options: 5}', "non-empty list"),
    ('x = 1  # @param {type: "select", options: []}', "non-empty list"),
    ('x = 1  # @param {type: "select", options: "ab"}', "non-empty list"),
    ('x = 1  # @param {type: "select", options: [1, 1]}', "repeat a value"),
    ('x = 1  # @param {type: "select", options: [[1], 2]}', "not a string, number or bool"),
    ('x = 3  # @param {type: "select", options: [1, 2]}', "not among the options"),
    ('x = "1"  # @param {type: "select", options: [1, 2]}', "not among the options"),
    ('x = 1  # @param {type: "slider", min: 4, max: 2}', "must be below max"),
    ('x = 2  # @param {type: "slider", min: 2, max: 2}', "must be below max"),
    ('x = 1  # @param {type: "slider", min: 0, max: 4, step: 0}', "step must be positive"),
    ('x = 1  # @param {type: "slider", min: 0, max: 4, step: -1}', "step must be positive"),
    ('x = 9  # @param {type: "slider", min: 0, max: 4}', "outside"),
    ('x = "a"  # @param {type: "slider", min: 0, max: 4}', "finite number"),
    ('x = 1  # @param {type: "slider", min: "0", max: 4}', "min must be a finite number"),
    ('x = 1  # @param {type: "slider", min: 0, max: 4, stp: 1}', "unknown field"),
    ('x = 1  # @param {type: "checkbox"}', "True or False"),
    ('x = 1  # @param {type: "text"}', "must be a string"),
    ('x = True  # @param {type: "number"}', "finite number"),
    ('x = 5  # @param {type: "number", min: 0, max: 4}', "outside"),
    ('x = 1  # @param {type: "slider", min: 0, max: 4, label: ""}', "label"),
])
def test_bad_field_is_rejected_naming_line_and_name(line, message):
    with pytest.raises(ValueError, match=message) as raised:
        parse_params("print(0)\n" + line + "\n")
    assert "line 2" in str(raised.value) and "'x'" in str(raised.value)


def test_names_must_be_unique():
    source = (
        'x = 1  # @param {type: "slider", min: 0, max: 4}\n'
        'x = 2  # @param {type: "slider", min: 0, max: 4}\n'
    )
    with pytest.raises(ValueError, match="line 2: a second @param named 'x'.*line 1"):
        parse_params(source)


def test_good_controls_still_parse():
    source = (
        'a = 0.5  # @param {type: "slider", min: 0.0, max: 1.0, step: 0.1}\n'
        'b = "y"  # @param {type: "select", options: ["x", "y"], label: "choice"}\n'
        "c = False  # @param {type: \"checkbox\"}\n"
        'd = 3  # @param {type: "number", min: 0}\n'
        'e = "hi"  # @param {type: "text"}\n'
    )
    assert [control["name"] for control in parse_params(source)] == list("abcde")
