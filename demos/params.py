"""Parse Colab-style ``# @param`` controls out of a demo's source.

A control is a plain assignment whose trailing comment declares it::

    d_k = 64  # @param {type: "slider", min: 4, max: 512, step: 4}

The file stays valid Python; the page turns each line into a slider, select or checkbox.
Runs on Python 3.8 (it is shipped into the browser too).
"""
import ast
import re

_PARAM_LINE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.+?)\s*#\s*@param\s*(?P<spec>\{.*\})\s*$"
)
_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:")
CONTROL_TYPES = ("slider", "select", "checkbox", "number", "text")


def _parse_spec(spec, line_number):
    """Parse ``{type: "slider", min: 4}`` (JS-style bare keys) into a dict."""
    pythonish = _BARE_KEY.sub(r'\1"\2":', spec)
    pythonish = re.sub(r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", pythonish))
    try:
        parsed = ast.literal_eval(pythonish)
    except (SyntaxError, ValueError) as error:
        raise ValueError(f"line {line_number + 1}: cannot parse @param spec {spec!r}") from error
    if not isinstance(parsed, dict):
        raise ValueError(f"line {line_number + 1}: @param spec must be a {{...}} mapping")
    return parsed


def parse_params(source):
    """Return one dict per ``# @param`` line of ``source``.

    Each dict has ``name``, ``line`` (0-based), ``type``, ``value`` (the literal in the
    file) and, where they apply, ``min``, ``max``, ``step``, ``options``.
    Raises ValueError naming the line for a spec it does not understand.
    """
    controls = []
    for line_number, line in enumerate(source.splitlines()):
        if "@param" not in line:
            continue
        match = _PARAM_LINE.match(line)
        if match is None:
            raise ValueError(
                f"line {line_number + 1}: '@param' must follow a top-level 'name = literal' "
                f"assignment, got {line.strip()!r}"
            )
        spec = _parse_spec(match.group("spec"), line_number)
        try:
            value = ast.literal_eval(match.group("value"))
        except (SyntaxError, ValueError) as error:
            raise ValueError(
                f"line {line_number + 1}: the value of {match.group('name')!r} must be a literal"
            ) from error
        control_type = spec.get("type", "text")
        if control_type not in CONTROL_TYPES:
            raise ValueError(
                f"line {line_number + 1}: unknown control type {control_type!r}; "
                f"expected one of {CONTROL_TYPES}"
            )
        if control_type == "slider" and not all(key in spec for key in ("min", "max")):
            raise ValueError(f"line {line_number + 1}: a slider needs min and max")
        if control_type == "select" and not spec.get("options"):
            raise ValueError(f"line {line_number + 1}: a select needs options")
        control = {
            "name": match.group("name"),
            "line": line_number,
            "type": control_type,
            "value": value,
        }
        for key in ("min", "max", "step", "options", "label"):
            if key in spec:
                control[key] = spec[key]
        controls.append(control)
    return controls


def with_values(source, /, **values):
    """``source`` with the literals of the named controls replaced, as the page's controls do.

    ``with_values(source, d_k=128)`` rewrites the line ``d_k = 64  # @param {...}`` to
    ``d_k = 128  # @param {...}``. Raises ValueError for a name that is not a control.
    """
    lines = source.splitlines()
    controls = {control["name"]: control for control in parse_params(source)}
    unknown = sorted(set(values) - set(controls))
    if unknown:
        raise ValueError(f"no @param control named {unknown}; controls: {sorted(controls)}")
    for name, value in values.items():
        line = lines[controls[name]["line"]]
        comment = line[line.index("#", line.index("=")):]
        lines[controls[name]["line"]] = f"{name} = {value!r}  {comment}"
    return "\n".join(lines) + ("\n" if source.endswith("\n") else "")
