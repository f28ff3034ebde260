"""The Vega-Lite specs behind ``pycore.figures``: validation, data rows, layers.

Private: demos call ``pycore.figures``. Kept apart so the public module reads as a
vocabulary. Grammar: Vega-Lite v5 (Satyanarayan et al. 2017, "Vega-Lite: A Grammar of
Interactive Graphics"); only features JupyterLab's renderer and vega-lite 5/6 share.

Styles named here (``itt-*``) and the ranges ``heatmap``, ``diverging`` and ``category`` are
filled by the page from the theme's CSS variables (web/figures.js); the specs hold no colour.
"""
from __future__ import annotations

import json
import math
import sys

import numpy as np

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
MIME_TYPE = "application/vnd.vegalite.v5+json"
LINE_HEIGHT = 260  # px: plot height of lines, scatter and bars


# ----------------------------------------------------------------------------- validation
def text(name, value, required=True):
    """``value`` as a str; a required one must not be blank."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{name} must be a non-empty str, got {value!r}")
    return value


def number(name, value):
    """A finite float from ``value``."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out}")
    return out


def array(name, values, ndim):
    """``values`` as a float64 array with ``ndim`` dimensions (a tuple of ranks allowed)."""
    try:
        out = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {type(values).__name__}") from None
    allowed = ndim if isinstance(ndim, tuple) else (ndim,)
    if out.ndim not in allowed:
        expected = " or ".join(f"{n}-D" for n in allowed)
        raise ValueError(f"{name} has shape {out.shape}, expected {expected}")
    return out


def finite(name, values):
    """Raise if ``values`` (an array) holds NaN or an infinity, naming the first place."""
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        where = tuple(int(i) for i in bad[0])
        raise ValueError(f"{name} has {len(bad)} non-finite value(s), the first at index {where}")


def strings(name, given):
    """``given`` (a sequence of anything printable) as a list of str."""
    if hasattr(given, "items"):
        raise TypeError(f"{name} must be a sequence of str, got a {type(given).__name__}")
    try:
        return [str(item) for item in given]
    except TypeError:
        raise TypeError(f"{name} must be a sequence of str, got {given!r}") from None


def mapping(name, given):
    """``given`` (a mapping, or None for an empty one) as a dict."""
    if given is None:
        return {}
    if not hasattr(given, "items"):
        raise TypeError(f"{name} must be a mapping, got {given!r}")
    return dict(given.items())


def value_range(name, given, log=False):
    """``(low, high)`` as two floats with low < high (both > 0 on a log axis), or None."""
    if given is None:
        return None
    if isinstance(given, (str, bytes)) or not hasattr(given, "__len__") or len(given) != 2:
        raise ValueError(f"{name} must be (low, high), got {given!r}")
    low, high = number(f"{name}[0]", given[0]), number(f"{name}[1]", given[1])
    if not low < high:
        raise ValueError(f"{name} must have low < high, got {given!r}")
    if log and low <= 0:
        raise ValueError(f"{name} {given!r} starts at or below 0, which a log axis cannot show")
    return [low, high]


def labels(name, given, count):
    """``count`` tick labels as str; default ``"0" .. str(count - 1)``."""
    if given is None:
        return [str(i) for i in range(count)]
    out = strings(name, given)
    if len(out) != count:
        raise ValueError(f"{name} has {len(out)} labels, expected {count}")
    return out


def fmt_checked(name, spec):
    """``spec`` if it formats a float (``".3f"``), else a ValueError naming ``name``."""
    try:
        format(1.5, spec)
    except (TypeError, ValueError):
        raise ValueError(f"{name} {spec!r} is not a Python format spec for a float") from None
    return spec


def series_map(name, series, default_name):
    """``{str: value}`` from a mapping, or ``{default_name: series}`` for a single series."""
    if isinstance(series, dict) or hasattr(series, "items"):
        out = {str(key): value for key, value in series.items()}
    else:
        out = {default_name: series}
    if not out:
        raise ValueError(f"{name} is empty: give at least one series")
    return out


def marks(name, given, log):
    """Reference lines ``{label: value}`` as data rows."""
    rows = []
    for label, value in mapping(name, given).items():
        value = number(f"{name}[{label!r}]", value)
        if log and value <= 0:
            raise ValueError(f"{name}[{label!r}] = {value} cannot sit on a log axis")
        rows.append({"value": value, "label": str(label), "exact": repr(value)})
    return rows


# ----------------------------------------------------------------------------- common parts
def base(kind, caption, alt, default_alt, **meta):
    """The top level every figure shares: schema, usermeta (kind, caption, alt), background."""
    caption = text("caption", caption)
    alt = text("alt", alt, required=False) or default_alt()
    itt = {"kind": kind, "caption": caption, "alt": alt}
    itt.update(meta)
    return {"$schema": SCHEMA, "usermeta": {"itt": itt}, "background": "transparent"}


def label_expr(names):
    """A Vega expression mapping an index to its label (labels may repeat)."""
    return f"{json.dumps(names, ensure_ascii=False)}[datum.value]"


def label_angle(names, room=48):
    """0 (level labels) if ``names`` fit in about ``room`` characters side by side, else -40."""
    return 0 if max((len(name) for name in names), default=0) * len(names) <= room else -40


def distinct_titles(*titles):
    """Tooltip titles must differ (the tooltip is keyed by title)."""
    out, seen = [], set()
    for title in titles:
        while title in seen:
            title += " "
        seen.add(title)
        out.append(title)
    return out


def reference_layers(vertical, horizontal):
    """Rule + label layers for ``vlines`` and ``hlines`` rows."""
    layers = []
    for rows, channel in ((vertical, "x"), (horizontal, "y")):
        if not rows:
            continue
        position = {channel: {"field": "value", "type": "quantitative"}}
        tooltip = [{"field": "label", "title": "line"}, {"field": "exact", "title": channel}]
        layers.append({"data": {"values": rows}, "mark": {"type": "rule", "style": "itt-reference"},
                       "encoding": dict(position, tooltip=tooltip)})
        where = {"y": {"value": 0}} if channel == "x" else {"x": {"value": 0}}
        layers.append({
            "data": {"values": rows},
            "mark": {"type": "text", "style": "itt-reference-label", "align": "left",
                     "baseline": "bottom" if channel == "y" else "top",
                     "dx": 4, "dy": -3 if channel == "y" else 3},
            "encoding": dict(position, text={"field": "label"}, **where),
        })
    return layers


def display_in_notebook(figure, key=None):
    """Display ``figure`` at once when running inside a Jupyter kernel (never imports IPython).

    A figure shown under a ``key`` updates its earlier display in the same cell run.
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return
    shell = ipython.get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return
    from IPython.display import display, update_display

    if key is None:
        display(figure)
        return
    display_id = f"itt-figure-{shell.execution_count}-{key}"
    if display_id in _displayed:
        update_display(figure, display_id=display_id)
    else:
        _displayed.add(display_id)
        display(figure, display_id=display_id)


_displayed = set()  # display ids of keyed figures already shown in a notebook


# ----------------------------------------------------------------------------- heatmap
def heatmap_spec(values, *, caption, alt, row_labels, col_labels, row_title, col_title,
                 value_title, masked, annotate, fmt, diverging, domain, title):
    values = array("values", values, 2)
    R, C = values.shape
    if R == 0 or C == 0:
        raise ValueError(f"values has shape {values.shape}: a heatmap needs at least one cell")
    is_masked = np.zeros((R, C), dtype=bool)
    if masked is not None:
        is_masked = np.asarray(masked, dtype=bool)
        if is_masked.shape != (R, C):
            raise ValueError(f"masked has shape {is_masked.shape}, expected values' {(R, C)}")
    finite("values (outside masked)", np.where(is_masked, 0.0, values))
    rows, cols = labels("row_labels", row_labels, R), labels("col_labels", col_labels, C)
    fmt = fmt_checked("fmt", fmt)
    shown = values[~is_masked]  # (n_shown,)
    if domain is not None:
        low, high = value_range("domain", domain)
    elif diverging:
        reach = float(np.abs(shown).max()) if shown.size else 1.0
        low, high = -(reach or 1.0), reach or 1.0
    else:
        low = float(shown.min()) if shown.size else 0.0
        high = float(shown.max()) if shown.size else 1.0
    if not low < high:
        low, high = low - 0.5, high + 0.5  # a constant matrix still gets a colour bar
    row_title, col_title, value_title = distinct_titles(
        text("row_title", row_title), text("col_title", col_title),
        text("value_title", value_title))

    data = []
    for i in range(R):
        for j in range(C):
            cell_masked = bool(is_masked[i, j])
            value = None if cell_masked else float(values[i, j])
            # Strong (dark) cells get light text: past 55% of the scale, or of either half.
            if value is None:
                strong = False
            elif diverging:
                strong = abs(value) > 0.55 * max(abs(low), abs(high))
            else:
                strong = (value - low) > 0.55 * (high - low)
            data.append({"r": i, "c": j, "row": rows[i], "col": cols[j], "value": value,
                         "masked": cell_masked, "strong": strong,
                         "exact": "masked" if value is None else repr(value),
                         "text": "" if value is None else format(value, fmt)})

    def default_alt():
        if not shown.size:
            return f"A {R} by {C} heatmap of {value_title} in which every cell is masked."
        i, j = np.unravel_index(int(np.argmax(np.where(is_masked, -np.inf, values))), (R, C))
        n_masked = int(is_masked.sum())
        summary = (f"Heatmap of {value_title}: {R} rows ({row_title}) by {C} columns "
                   f"({col_title}), values from {shown.min():.3g} to {shown.max():.3g}; the "
                   f"largest is at {row_title} {rows[i]}, {col_title} {cols[j]}"
                   + (f"; {n_masked} masked cells." if n_masked else "."))
        if R * C > 16:
            return summary
        # A small matrix is read out in full, row by row.
        listed = "; ".join(
            f"{rows[r]}: " + ", ".join("masked" if is_masked[r, c] else format(values[r, c], fmt)
                                       for c in range(C))
            for r in range(R))
        return f"{summary} Rows, {col_title} {', '.join(cols)}: {listed}."

    step = max(20, min(56, 360 // max(R, C)))
    spec = base("heatmap", caption, alt, default_alt, fit="step")
    if title:
        spec["title"] = text("title", title)
    scale = {"range": "diverging" if diverging else "heatmap", "domain": [low, high]}
    if diverging:
        scale["domainMid"] = 0.0
    tooltip = [{"field": "row", "title": row_title}, {"field": "col", "title": col_title},
               {"field": "exact", "title": value_title}]
    cell_layers = [
        {"transform": [{"filter": "!datum.masked"}], "mark": {"type": "rect", "style": "itt-cell"},
         "encoding": {"color": {"field": "value", "type": "quantitative", "title": value_title,
                                "scale": scale, "legend": {"gradientLength": min(R * step, 160)}},
                      "tooltip": tooltip}},
    ]
    if is_masked.any():
        cell_layers.append({"transform": [{"filter": "datum.masked"}],
                            "mark": {"type": "rect", "style": "itt-masked"},
                            "encoding": {"tooltip": tooltip}})
        # The hatching: one diagonal per masked cell, so a masked cell never reads as a value.
        cell_layers.append({"transform": [{"filter": "datum.masked"}],
                            "mark": {"type": "text", "style": "itt-masked-mark", "text": "╱"},
                            "encoding": {"tooltip": tooltip}})
    if annotate:
        for strong in (False, True):
            cell_layers.append({
                "transform": [{"filter": f"!datum.masked && {'' if strong else '!'}datum.strong"}],
                "mark": {"type": "text",
                         "style": "itt-cell-text-strong" if strong else "itt-cell-text"},
                "encoding": {"text": {"field": "text"}, "tooltip": tooltip}})
    spec.update({
        "data": {"values": data},
        "width": {"step": step},
        "height": {"step": step},
        "encoding": {
            "x": {"field": "c", "type": "ordinal", "title": col_title,
                  "axis": {"labelExpr": label_expr(cols), "labelAngle": label_angle(cols)}},
            "y": {"field": "r", "type": "ordinal", "title": row_title,
                  "axis": {"labelExpr": label_expr(rows)}},
        },
        "layer": cell_layers,
    })
    return spec
