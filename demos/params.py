"""Parse Colab-style ``# @param`` controls out of a demo's source.

A control is a plain assignment whose trailing comment declares it::

    d_k = 64  # @param {type: "slider", min: 4, max: 512, step: 4}

The file stays valid Python; the page turns each line into a slider, select or checkbox.
Runs on Python 3.8 (it is shipped into the browser too).
"""
import ast
import json
import math
import re

_PARAM_LINE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.+?)\s*#\s*@param\s*(?P<spec>\{.*\})\s*$"
)
_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:")
CONTROL_TYPES = ("slider", "select", "checkbox", "number", "text")
# The fields each control type understands: "type" and the optional "label" (a human name),
# "when" (a condition on another control, see _WHEN) for all; "units" and "format" (see
# _FORMAT) for the numeric ones.
SPEC_KEYS = {
    "slider": ("type", "label", "when", "min", "max", "step", "units", "format"),
    "select": ("type", "label", "when", "options", "units"),
    "checkbox": ("type", "label", "when"),
    "number": ("type", "label", "when", "min", "max", "step", "units", "format"),
    "text": ("type", "label", "when"),
}
# when: "strategy == 'beam'", "strategy != 'beam'", "use_cache" or "not use_cache".
_WHEN = re.compile(
    r"^\s*(?:(?P<negated>not)\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*"
    r"(?:(?P<op>==|!=)\s*(?P<literal>.+?))?\s*$"
)
# format: ".2f" (fixed decimals), ".1%" (percent), ".3e" (exponent) or "," (thousands).
_FORMAT = re.compile(r"^(?:\.[0-9][fe%]|,)$")


def parse_when(text):
    """``{"name", "op", "value"}`` for a ``when:`` condition; raises ValueError if unreadable.

    ``op`` is "==", "!=", "truthy" or "falsy"; ``value`` the literal compared with (or None).
    """
    match = _WHEN.match(text) if isinstance(text, str) else None
    if match is None or (match.group("negated") and match.group("op")):
        raise ValueError(
            f"when must read 'name == literal', 'name != literal', 'name' or 'not name'; "
            f"got {text!r}"
        )
    if match.group("op") is None:
        op = "falsy" if match.group("negated") else "truthy"
        return {"name": match.group("name"), "op": op, "value": None}
    try:
        value = ast.literal_eval(match.group("literal"))
    except (SyntaxError, ValueError):
        raise ValueError(f"when: {match.group('literal')!r} is not a Python literal") from None
    if not isinstance(value, (str, int, float, bool)):
        raise ValueError(f"when: {value!r} is not a string, number or bool")
    return {"name": match.group("name"), "op": match.group("op"), "value": value}


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


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_spec(name, control_type, spec, value, line_number):
    """Raise ValueError unless ``spec`` and the literal ``value`` make a working control.

    Checked at build time so that a bad line stops the build instead of breaking the page:
    known keys only; a slider's ``min < max``, ``step > 0`` and value in range; a select's
    ``options`` a non-empty list of distinct literals holding the value; a checkbox's value a
    bool; a number's value a finite number (within ``min``/``max`` if given); a text's a str.
    """
    where = f"line {line_number + 1}: @param {name!r}"
    unknown = sorted(set(spec) - set(SPEC_KEYS[control_type]))
    if unknown:
        raise ValueError(
            f"{where}: unknown field(s) {unknown} for a {control_type}; "
            f"allowed: {list(SPEC_KEYS[control_type])}"
        )
    for key in ("label", "units"):
        if key in spec and not (isinstance(spec[key], str) and spec[key].strip()):
            raise ValueError(f"{where}: {key} must be a non-empty string, got {spec[key]!r}")
    if "format" in spec and not (isinstance(spec["format"], str) and _FORMAT.match(spec["format"])):
        raise ValueError(
            f"{where}: format must be '.Nf', '.Ne', '.N%' or ','; got {spec['format']!r}"
        )
    if "when" in spec:
        try:
            parse_when(spec["when"])
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None
    for key in ("min", "max", "step"):
        if key in spec and not _is_number(spec[key]):
            raise ValueError(f"{where}: {key} must be a finite number, got {spec[key]!r}")
    if control_type == "slider":
        if "min" not in spec or "max" not in spec:
            raise ValueError(f"{where}: a slider needs min and max")
        if not spec["min"] < spec["max"]:
            raise ValueError(f"{where}: min ({spec['min']!r}) must be below max ({spec['max']!r})")
        if "step" in spec and not spec["step"] > 0:
            raise ValueError(f"{where}: step must be positive, got {spec['step']!r}")
    if control_type in ("slider", "number"):
        if not _is_number(value):
            raise ValueError(f"{where}: the value must be a finite number, got {value!r}")
        if ("min" in spec and value < spec["min"]) or ("max" in spec and value > spec["max"]):
            raise ValueError(
                f"{where}: the value {value!r} is outside [{spec.get('min')!r}, {spec.get('max')!r}]"
            )
    elif control_type == "select":
        options = spec.get("options")
        if not isinstance(options, list) or not options:
            raise ValueError(f"{where}: a select needs options, a non-empty list; got {options!r}")
        for option in options:
            if not isinstance(option, (str, int, float, bool)) or (
                isinstance(option, float) and not math.isfinite(option)
            ):
                raise ValueError(f"{where}: option {option!r} is not a string, number or bool")
        if len({json.dumps(option) for option in options}) != len(options):
            raise ValueError(f"{where}: options {options!r} repeat a value")
        if not any(type(option) is type(value) and option == value for option in options):
            raise ValueError(f"{where}: the value {value!r} is not among the options {options!r}")
    elif control_type == "checkbox" and not isinstance(value, bool):
        raise ValueError(f"{where}: a checkbox's value must be True or False, got {value!r}")
    elif control_type == "text" and not isinstance(value, str):
        raise ValueError(f"{where}: a text field's value must be a string, got {value!r}")


def parse_params(source):
    """Return one dict per ``# @param`` line of ``source``.

    Each dict has ``name``, ``line`` (0-based), ``type``, ``value`` (the literal in the
    file) and, where they apply, ``min``, ``max``, ``step``, ``options``, ``label``,
    ``units``, ``format`` and ``when`` (parsed: ``{"name", "op", "value"}``).
    Raises ValueError naming the line and the field for a spec it does not understand or
    that the page could not turn into a working control (see :func:`_check_spec`).
    """
    controls = []
    seen = {}  # name -> line number
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
        _check_spec(match.group("name"), control_type, spec, value, line_number)
        if match.group("name") in seen:
            raise ValueError(
                f"line {line_number + 1}: a second @param named {match.group('name')!r} "
                f"(the first is on line {seen[match.group('name')] + 1}); names must be unique"
            )
        seen[match.group("name")] = line_number
        control = {
            "name": match.group("name"),
            "line": line_number,
            "type": control_type,
            "value": value,
        }
        for key in ("min", "max", "step", "options", "label", "units", "format"):
            if key in spec:
                control[key] = spec[key]
        if "when" in spec:
            control["when"] = parse_when(spec["when"])
        controls.append(control)
    _check_conditions(controls)
    return controls


def _check_conditions(controls):
    """Raise ValueError unless every ``when`` names another control and a value it can take."""
    by_name = {control["name"]: control for control in controls}
    for control in controls:
        when = control.get("when")
        if when is None:
            continue
        where = f"line {control['line'] + 1}: @param {control['name']!r}"
        target = by_name.get(when["name"])
        if target is None or target is control:
            raise ValueError(
                f"{where}: when names {when['name']!r}, which is not another control "
                f"(controls: {sorted(by_name)})"
            )
        if when["op"] in ("==", "!=") and target["type"] == "select" and not any(
            type(option) is type(when["value"]) and option == when["value"]
            for option in target["options"]
        ):
            raise ValueError(
                f"{where}: when compares {when['name']!r} with {when['value']!r}, which is not "
                f"among its options {target['options']!r}"
            )


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
