"""Vega-Lite specs for ``pycore.figures``' charts: lines, scatter, bars, panels, table.

Private: demos call ``pycore.figures``. Shared helpers and the heatmap live in
``pycore._figure_parts``; the token graphs in ``pycore._figure_graphs``.
"""
from __future__ import annotations

import copy

import numpy as np

from ._figure_parts import (
    LINE_HEIGHT,
    array,
    base,
    distinct_titles,
    finite,
    fmt_checked,
    label_angle,
    label_expr,
    mapping,
    marks,
    number,
    reference_layers,
    series_map,
    strings,
    text,
    value_range,
)


def _axis(title, log, log_base=10, integer=False, domain=None):
    scale = {"type": "log"} if log else {"zero": False}
    if log and log_base != 10:
        scale["base"] = log_base
    axis = {"field": None, "type": "quantitative", "title": title, "scale": scale}
    if log and log_base == 2:
        axis["axis"] = {"format": "d"}  # 4, 8, ..., 4096 rather than 4e+0, 8e+0, ...
    if integer:
        # Whole-number ticks only: a short range such as 0..2 gets 0, 1, 2, not 0.5 steps
        # (listed outright when short: vega's tick count would otherwise halve the step).
        axis["axis"] = {"tickMinStep": 1, "format": "d"}
        if integer[1] - integer[0] <= 12:
            axis["axis"]["values"] = list(range(integer[0], integer[1] + 1))
    if domain is not None:
        scale["domain"] = domain
        scale.pop("zero", None)
        scale["clamp"] = True
    return axis


def _log_base(name, base):
    if base not in (2, 10) or isinstance(base, bool):
        raise ValueError(f"{name} must be 2 or 10, got {base!r}")
    return int(base)


def _legend(names, orient="top"):
    if len(names) == 1:
        return None
    # Two entries per row only when the names are short, so a legend is never wider than a
    # phone's column (the page never scales a figure's text down: it narrows the plot).
    columns = 2 if max(len(name) for name in names) <= 16 else 1
    return {"orient": orient, "direction": "horizontal", "columns": min(columns, len(names)),
            "title": None, "labelLimit": 260 if columns == 1 else 130}


def xy_spec(kind, x, series, *, caption, alt, x_title, y_title, log_x, log_y, vlines, hlines,
            points, dashed, labels, title, log_x_base=10, x_integer=False, y_domain=None):
    """Lines (``x`` shared) or scatter (``series`` = ``{name: (x, y)}``)."""
    log_x_base = _log_base("log_x_base", log_x_base)
    y_domain = value_range("y_domain", y_domain, log_y)
    x_title, y_title = distinct_titles(text("x_title", x_title), text("y_title", y_title))
    series = series_map("series", series, y_title)
    if kind == "lines":
        x = array("x", x, 1)
        finite("x", x)
        pairs = {}
        for name, ys in series.items():
            ys = array(f"series[{name!r}]", ys, 1)
            if ys.shape != x.shape:
                raise ValueError(f"series[{name!r}] has shape {ys.shape}, expected x's {x.shape}")
            pairs[name] = (x, ys)
    else:
        pairs = {}
        for name, pair in series.items():
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise ValueError(f"series[{name!r}] must be a pair (x, y) of equal-length arrays")
            xs = array(f"series[{name!r}][0]", pair[0], 1)
            ys = array(f"series[{name!r}][1]", pair[1], 1)
            if xs.shape != ys.shape:
                raise ValueError(f"series[{name!r}] has x of shape {xs.shape} but y of shape "
                                 f"{ys.shape}")
            finite(f"series[{name!r}][0]", xs)
            pairs[name] = (xs, ys)
    point_labels = {}
    if labels is not None and not hasattr(labels, "items"):
        raise TypeError(f"labels must be a mapping {{series: [label, ...]}}, got {labels!r}")
    for name, given in (labels or {}).items():
        if name not in pairs:
            raise ValueError(f"labels[{name!r}] names no series (series: {sorted(pairs)})")
        given = strings(f"labels[{name!r}]", given)
        if len(given) != len(pairs[name][0]):
            raise ValueError(f"labels[{name!r}] has {len(given)} labels, expected "
                             f"{len(pairs[name][0])}")
        point_labels[name] = given
    for name in strings("dashed", dashed):
        if name not in pairs:
            raise ValueError(f"dashed names {name!r}, which is not a series ({sorted(pairs)})")
    names = list(pairs)
    rows = []
    for name, (xs, ys) in pairs.items():
        finite(f"series[{name!r}]", ys)
        for axis, values, log in (("x", xs, log_x), ("y", ys, log_y)):
            if log and np.any(values <= 0):
                raise ValueError(f"series[{name!r}] has {axis} values <= 0, which a log {axis} "
                                 "axis cannot show")
        for index, (xv, yv) in enumerate(zip(xs.tolist(), ys.tolist())):
            row = {"series": name, "x": float(xv), "y": float(yv), "xe": repr(float(xv)),
                   "ye": repr(float(yv))}
            if name in point_labels:
                row["label"] = point_labels[name][index]
            rows.append(row)

    def default_alt():
        parts = []
        for name, (xs, ys) in pairs.items():
            if len(ys):
                parts.append(f"{name}: {len(ys)} points, {y_title} from {ys.min():.3g} to "
                             f"{ys.max():.3g} as {x_title} runs from {xs.min():.3g} to "
                             f"{xs.max():.3g}")
        chart = "Line chart" if kind == "lines" else "Scatter plot"
        return f"{chart} of {y_title} against {x_title}. " + "; ".join(parts) + "."

    spec = base(kind, caption, alt, default_alt)
    if title:
        spec["title"] = text("title", title)
    integer = None
    if x_integer and any(len(xs) for xs, _ in pairs.values()):
        every_x = np.concatenate([xs for xs, _ in pairs.values()])  # (n_points,)
        integer = (int(np.ceil(every_x.min())), int(np.floor(every_x.max())))
    x_axis = _axis(x_title, log_x, log_x_base, integer=integer)
    y_axis = _axis(y_title, log_y, domain=y_domain)
    x_axis["field"], y_axis["field"] = "x", "y"
    color = {"field": "series", "type": "nominal", "scale": {"range": "category", "domain": names},
             "legend": _legend(names)}
    tooltip = ([{"field": "series", "title": "series"}] if len(names) > 1 else []) + [
        {"field": "xe", "title": x_title}, {"field": "ye", "title": y_title}]
    if point_labels:
        tooltip.insert(0, {"field": "label", "title": "label"})
    encoding = {"x": x_axis, "y": y_axis, "color": color, "tooltip": tooltip}
    layers = []
    if kind == "lines":
        line_encoding = dict(encoding, detail={"field": "series"})
        if dashed:
            line_encoding["strokeDash"] = {
                "field": "series", "legend": None,
                "scale": {"domain": names,
                          "range": [[6, 4] if n in dashed else [1, 0] for n in names]}}
        layers.append({"mark": {"type": "line", "style": "itt-line"}, "encoding": line_encoding})
        # Points carry the tooltips; invisible unless asked for, but still hoverable.
        layers.append({"mark": {"type": "circle", "size": 60 if points else 90,
                                "opacity": 1 if points else 0},
                       "encoding": encoding})
    else:
        layers.append({"mark": {"type": "circle", "size": 70, "style": "itt-point"},
                       "encoding": encoding})
        if point_labels:
            layers.append({"transform": [{"filter": "isValid(datum.label)"}],
                           "mark": {"type": "text", "style": "itt-label", "align": "left", "dx": 6},
                           "encoding": {"x": x_axis, "y": y_axis, "text": {"field": "label"}}})
    main = {"data": {"values": rows}, "layer": layers}
    spec.update({
        "width": "container", "height": LINE_HEIGHT,
        "layer": [main] + reference_layers(marks("vlines", vlines, log_x),
                                           marks("hlines", hlines, log_y)),
    })
    return spec


def bars_spec(categories, groups, *, caption, alt, x_title, y_title, log_y, hlines, annotate,
              fmt, domain, title, highlight=None, stacked=False):
    categories = strings("categories", categories)
    if not categories:
        raise ValueError("categories is empty: give at least one bar label")
    if len(set(categories)) != len(categories):
        raise ValueError(f"categories must be distinct, got {categories}")
    x_title, y_title = distinct_titles(text("x_title", x_title, required=False) or " ",
                                       text("y_title", y_title))
    groups = series_map("groups", groups, y_title)
    fmt = fmt_checked("fmt", fmt)
    stacked = bool(stacked)
    if stacked and log_y:
        raise ValueError("stacked=True cannot use log_y=True: stacked heights add up from 0, "
                         "which a log axis cannot show")
    if highlight is not None:
        if len(groups) > 1:
            raise ValueError(f"highlight colours the bars of a single group, but groups has "
                             f"{len(groups)} ({', '.join(groups)})")
        highlight = strings("highlight", highlight)
        if len(highlight) != len(categories):
            raise ValueError(f"highlight has {len(highlight)} names, expected {len(categories)} "
                             "(one per category)")
    rows = []
    for name, heights in groups.items():
        heights = array(f"groups[{name!r}]", heights, 1)
        if heights.shape != (len(categories),):
            raise ValueError(f"groups[{name!r}] has shape {heights.shape}, expected "
                             f"({len(categories)},) (one height per category)")
        finite(f"groups[{name!r}]", heights)
        if log_y and np.any(heights <= 0):
            raise ValueError(f"groups[{name!r}] has heights <= 0, which a log axis cannot show")
        for index, (category, height) in enumerate(zip(categories, heights.tolist())):
            rows.append({"category": category, "value": float(height),
                         "group": highlight[index] if highlight else name,
                         "exact": repr(float(height)), "text": format(float(height), fmt)})
    names = list(dict.fromkeys(row["group"] for row in rows)) if highlight else list(groups)

    def default_alt():
        top = max(rows, key=lambda row: row["value"])
        several = len(names) > 1
        where = f"{top['category']}" + (f" ({top['group']})" if several else "")
        how = "Stacked bar chart" if stacked else "Bar chart"
        return (f"{how} of {y_title} for {len(categories)} categories"
                + (f" in {len(names)} groups ({', '.join(names)})" if several else "")
                + f"; the tallest {'piece' if stacked else 'bar'} is {where} at "
                f"{top['value']:.3g}.")

    spec = base("bars", caption, alt, default_alt)
    if title:
        spec["title"] = text("title", title)
    y_scale = {}
    if log_y:
        # A log axis has no 0 to grow a bar from: each bar grows from the power of ten
        # below the smallest height (so even that bar shows), where the axis starts.
        smallest = min(row["value"] for row in rows)
        largest = max(row["value"] for row in rows)
        baseline = float(10.0 ** (np.ceil(np.log10(smallest)) - 1))
        # ... and ends at a power of ten at least twice the largest, room for its label.
        top = float(10.0 ** np.ceil(np.log10(2 * largest)))
        y_scale = {"type": "log", "domain": [baseline, top]}
        for row in rows:
            row["base"] = baseline
    if domain is not None:
        y_scale["domain"] = value_range("domain", domain, log_y)
        if log_y:
            for row in rows:
                row["base"] = y_scale["domain"][0]
    x = {"field": "category", "type": "nominal", "sort": categories,
         "title": x_title.strip() or None,
         # A bar's plot is narrower than a heatmap's rows of labels: slant them sooner.
         "axis": {"labelAngle": label_angle(categories, room=36)}}
    y = {"field": "value", "type": "quantitative", "title": y_title, "scale": y_scale,
         "stack": "zero" if stacked else None}
    tooltip = [{"field": "category", "title": x_title.strip() or "category"},
               {"field": "exact", "title": y_title}]
    encoding = {"x": x, "y": y, "tooltip": tooltip,
                "color": {"field": "group", "type": "nominal", "legend": _legend(names),
                          "sort": names, "scale": {"range": "category", "domain": names}}}
    if log_y:
        encoding["y2"] = {"field": "base"}
    if stacked:
        # Pieces stack in the legend's order, the first at the bottom.
        encoding["order"] = {"field": "order", "type": "quantitative"}
        totals = {}
        for row in rows:
            row["order"] = names.index(row["group"])
            totals[row["category"]] = totals.get(row["category"], 0.0) + abs(row["value"])
        for row in rows:
            # A piece under 4% of its bar is too thin for its value (the tooltip has it).
            row["room"] = abs(row["value"]) >= 0.04 * totals[row["category"]]
    if len(names) > 1:
        if not stacked and not highlight:
            encoding["xOffset"] = {"field": "group", "sort": names}
        tooltip.insert(1, {"field": "group", "title": "group"})
    layers = [{"mark": {"type": "bar", "style": "itt-bar"}, "encoding": encoding}]
    if annotate:
        label = dict(encoding, text={"field": "text"})
        label.pop("y2", None)
        if stacked:
            # Each piece's value sits in its middle, in the colour the theme puts on strong
            # fills (light on the light palette's dark categories, dark on the dark one's).
            del label["color"]
            label["y"] = {"field": "mid", "type": "quantitative", "title": y_title,
                          "scale": y_scale}
            layers.append({"transform": [{"stack": "value", "groupby": ["category"],
                                          "sort": [{"field": "order"}], "as": ["lo", "hi"]},
                                         {"calculate": "(datum.lo + datum.hi) / 2", "as": "mid"},
                                         {"filter": "datum.room"}],
                           "mark": {"type": "text", "style": "itt-cell-text-strong",
                                    "baseline": "middle"},
                           "encoding": label})
        else:
            layers.append({"mark": {"type": "text", "style": "itt-label", "baseline": "bottom",
                                    "dy": -3},
                           "encoding": label})
    spec.update({"width": "container", "height": LINE_HEIGHT,
                 "layer": [{"data": {"values": rows}, "layer": layers}]
                 + reference_layers([], marks("hlines", hlines, log_y))})
    return spec


PANEL_KINDS = ("heatmap", "lines", "scatter", "bars")
PANEL_WIDTH = 240  # px, a default the page replaces with its measured column width


def _legends_below(view):
    """Put every categorical legend in ``view`` under the plot.

    A legend beside or above the panels would widen the figure, and the page narrows the
    panels to make room.
    """
    if isinstance(view, dict):
        for key, item in view.items():
            if key == "legend" and isinstance(item, dict) and item.get("orient") == "top":
                item["orient"] = "bottom"
            else:
                _legends_below(item)
    elif isinstance(view, list):
        for item in view:
            _legends_below(item)


def panels_spec(figures, *, caption, alt, columns):
    if hasattr(figures, "spec") or not hasattr(figures, "__iter__"):
        raise TypeError(f"figures must be a sequence of Figure, got {figures!r}")
    figures = list(figures)
    if not figures:
        raise ValueError("figures is empty: give at least one panel")
    subs, kinds = [], set()
    for index, figure in enumerate(figures):
        spec = getattr(figure, "spec", None)
        kind = spec["usermeta"]["itt"]["kind"] if isinstance(spec, dict) else None
        if kind not in PANEL_KINDS:
            raise ValueError(f"figures[{index}] is a {kind or type(figure).__name__}; panels "
                             f"hold only {', '.join(PANEL_KINDS)} figures")
        kinds.add(kind)
        sub = copy.deepcopy(spec)
        for key in ("$schema", "usermeta", "background", "config"):
            sub.pop(key, None)
        if sub.get("width") == "container":
            sub["width"] = PANEL_WIDTH
        if sub.get("height") == LINE_HEIGHT:
            sub["height"] = 180
        _legends_below(sub)
        subs.append(sub)
    if columns is None:
        columns = min(len(subs), 4)
    if not isinstance(columns, int) or isinstance(columns, bool) or columns < 1:
        raise ValueError(f"columns must be a positive int, got {columns!r}")

    def default_alt():
        return f"{len(figures)} panels. " + " ".join(
            f"{index + 1}: {figure.alt}" for index, figure in enumerate(figures))

    spec = base("panels", caption, alt, default_alt, columns=columns)
    spec.update({"concat": subs, "columns": columns, "spacing": 16})
    if len(kinds) > 1:
        # Panels of different kinds (bars beside lines) keep their own colours and legends;
        # panels of one kind (a heatmap per head) share one scale and one colour bar.
        spec["resolve"] = {"scale": {"color": "independent"}, "legend": {"color": "independent"}}
    return spec


def table_spec(columns, *, caption, alt, formats):
    if not hasattr(columns, "items") or not columns:
        raise ValueError("columns must be a non-empty mapping {name: cells}")
    names = [str(name) for name in columns]
    cells = [list(values) for values in columns.values()]
    lengths = {len(values) for values in cells}
    if len(lengths) != 1:
        raise ValueError("columns have different lengths: " + ", ".join(
            f"{name!r}: {len(values)}" for name, values in zip(names, cells)))
    formats = mapping("formats", formats)
    for name in formats:
        if name not in names:
            raise ValueError(f"formats names {name!r}, which is not a column ({names})")
        fmt_checked(f"formats[{name!r}]", formats[name])
    n_rows = lengths.pop()
    rows = []
    for c, (name, values) in enumerate(zip(names, cells)):
        for r, value in enumerate(values):
            if hasattr(value, "item"):
                value = value.item()  # NumPy scalar -> Python
            if isinstance(value, bool) or isinstance(value, str):
                shown, exact = str(value), str(value)
            elif isinstance(value, (int, float)):
                exact_value = number(f"columns[{name!r}][{r}]", value)
                value = int(value) if isinstance(value, int) else exact_value
                shown = format(value, formats.get(name, "d" if isinstance(value, int) else ".4g"))
                exact = repr(value)
            else:
                raise ValueError(f"columns[{name!r}][{r}] is a {type(value).__name__}; "
                                 "cells are numbers, strings or bools")
            rows.append({"r": r, "c": c, "column": name, "value": value, "text": shown,
                         "exact": exact})

    def default_alt():
        return f"Table of {n_rows} rows with columns {', '.join(names)}."

    spec = base("table", caption, alt, default_alt, columns=names, rows=n_rows)
    spec.update({
        "data": {"values": rows},
        "width": "container", "height": {"step": 24},
        "mark": {"type": "text", "style": "itt-table-text", "align": "left"},
        "encoding": {
            "x": {"field": "c", "type": "ordinal", "title": None,
                  "axis": {"orient": "top", "labelExpr": label_expr(names),
                           "labelAngle": 0, "domain": False, "ticks": False},
                  "scale": {"align": 0, "paddingInner": 0}},
            "y": {"field": "r", "type": "ordinal", "axis": None},
            "text": {"field": "text"},
            "tooltip": [{"field": "column", "title": "column"},
                        {"field": "exact", "title": "value"}],
        },
    })
    return spec
