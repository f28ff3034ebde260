"""Figures as data: what a demo draws, written as a Vega-Lite description.

A demo builds a figure with one call (``heatmap``, ``lines``, ``scatter``, ``bars``,
``panels``, ``table``, ``attention_view``, ``routing_graph``) and hands it to ``show``. What
comes out is plain JSON in the Vega-Lite v5 grammar (https://vega.github.io/vega-lite/),
written as dicts and lists so it runs on Python 3.8 / NumPy 1.17 without Altair. The page
draws it with vega-embed (SVG, the theme's fonts and colours, tooltips with exact values),
JupyterLab renders it natively, and tests compare its numbers between CPython and the page.

Conventions every figure follows:

- ``caption`` (required) says what the figure shows; ``alt`` is its text alternative, derived
  from the data when not given. Both travel in the spec's ``usermeta["itt"]``.
- No colour is written into a spec. Colour scales name a range (``"heatmap"`` for weights,
  ``"diverging"`` for signed values, ``"category"`` for series) and marks name a style
  (``"itt-masked"``, ``"itt-reference"``, ...); the page fills both from the theme's CSS
  variables, so a figure follows the light and dark palettes.
- Every number is a plain float (NaN and infinities rejected, or shown as masked cells), and
  every tooltip shows the exact value (Python's ``repr``).
- Maths in labels is written in Unicode (``"q·k / √d_k"``), not TeX.

The specs are assembled by private helpers (``pycore._figure_parts``, ``_figure_charts``,
``_figure_graphs``); this module is the vocabulary a demo reads.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Mapping, Sequence

from . import _figure_charts as charts
from . import _figure_graphs as graphs
from . import _figure_parts as parts

__all__ = [
    "Figure", "attention_view", "bars", "heatmap", "lines", "panels", "routing_graph",
    "scatter", "set_live_sink", "show", "table", "take_shown", "MIME_TYPE",
]

MIME_TYPE = parts.MIME_TYPE
_shown = []  # (key or None, Figure) passed to show() since the runner last took them
_live_sink = None  # the runner's callback for keyed figures while a run goes (set_live_sink)


class Figure:
    """One figure: a Vega-Lite spec (``dict``) with its caption and text alternative.

    Attributes
    ----------
    spec : dict
        The Vega-Lite v5 description, JSON-able (plain floats, ints, strings, lists, dicts).
    kind : str
        Which builder made it: ``"heatmap"``, ``"lines"``, ``"scatter"``, ``"bars"``,
        ``"panels"``, ``"table"``, ``"attention_view"`` or ``"routing_graph"``.
    caption, alt : str
        What the figure shows, and its text alternative (also in ``spec["usermeta"]``).
    """

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec

    @property
    def kind(self) -> str:
        """The figure's kind (``"heatmap"``, ``"lines"``, ...)."""
        return self.spec["usermeta"]["itt"]["kind"]

    @property
    def caption(self) -> str:
        """The caption shown under the figure."""
        return self.spec["usermeta"]["itt"]["caption"]

    @property
    def alt(self) -> str:
        """The text alternative read by screen readers."""
        return self.spec["usermeta"]["itt"]["alt"]

    def to_dict(self) -> dict[str, Any]:
        """The spec as a new plain dict (a deep copy through JSON)."""
        return json.loads(self.to_json())

    def to_json(self, indent: int | None = None) -> str:
        """The spec as JSON text (``allow_nan=False``: a NaN here is a bug)."""
        return json.dumps(self.spec, indent=indent, allow_nan=False, sort_keys=True)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Jupyter's display hook: the Vega-Lite MIME bundle, plus the caption as text.

        JupyterLab's renderer never settles on ``"width": "container"`` (it measures an
        output area that resizes with the figure), so notebooks get a fixed width.
        """
        spec = _fixed_width(self.to_dict(), NOTEBOOK_WIDTH)
        return {MIME_TYPE: spec, "text/plain": f"{self.kind}: {self.caption}"}

    def __repr__(self):
        """``<Figure kind: 'caption'>``."""
        return f"<Figure {self.kind}: {self.caption!r}>"


NOTEBOOK_WIDTH = 560  # CSS px: a notebook's output column, where "container" cannot be used


def _fixed_width(node, width):
    """``node`` with every ``"width": "container"`` replaced by ``width`` (nested specs too)."""
    if isinstance(node, dict):
        return {key: width if key == "width" and value == "container"
                else _fixed_width(value, width) for key, value in node.items()}
    if isinstance(node, list):
        return [_fixed_width(item, width) for item in node]
    return node


def show(*figures: Figure, key: str | None = None) -> None:
    """Show ``figures`` under the demo's output (in the page, in tests, in a notebook).

    In the page and under the demo runner the figures are collected after the run; in a
    Jupyter kernel each is also displayed at once as a Vega-Lite MIME bundle.

    A figure that changes as the run goes (a loss curve during training) is shown again and
    again under one ``key``: each call replaces the figure shown before with that key, in the
    output kept at the end, in a notebook cell, and in the page while the run is still going
    (the runner sends keyed figures as they come, at most a few per second).

    Parameters
    ----------
    *figures : Figure
        Figures made by this module's builders, shown in this order.
    key : str, optional
        Names the one figure of this call so that a later call replaces it.
    """
    for index, figure in enumerate(figures):
        if not isinstance(figure, Figure):
            raise TypeError(
                f"show() argument {index} is a {type(figure).__name__}, expected a Figure "
                "(made by pc.figures.heatmap, lines, scatter, bars, panels, table, "
                "attention_view or routing_graph)"
            )
    if key is not None:
        if not isinstance(key, str) or not key:
            raise TypeError(f"key must be a non-empty str, got {key!r}")
        if len(figures) != 1:
            raise ValueError(f"show(..., key={key!r}) takes one figure, got {len(figures)}")
    for figure in figures:
        _keep(figure, key)
        parts.display_in_notebook(figure, key)
        if key is not None and _live_sink is not None:
            _live_sink(_shown_spec(key, figure))


def _keep(figure: Figure, key: str | None) -> None:
    """Add ``figure`` to the shown list, in place of the one shown before under ``key``."""
    if key is not None:
        for index, (earlier_key, _) in enumerate(_shown):
            if earlier_key == key:
                _shown[index] = (key, figure)
                return
    _shown.append((key, figure))


def _shown_spec(key: str | None, figure: Figure) -> dict[str, Any]:
    """``figure``'s spec, naming its ``key`` (if any) in ``usermeta["itt"]["key"]``."""
    spec = figure.to_dict()
    if key is not None:
        spec["usermeta"]["itt"]["key"] = key
    return spec


def take_shown() -> list[dict[str, Any]]:
    """The specs of every figure shown since the last call, and forget them (the runner's).

    A figure shown under a key names it in ``usermeta["itt"]["key"]``, so that the page can
    put the final version where it drew the live ones.
    """
    specs = [_shown_spec(key, figure) for key, figure in _shown]
    del _shown[:]
    return specs


def set_live_sink(sink: Callable[[dict[str, Any]], None] | None) -> None:
    """Let the runner receive each keyed figure as it is shown (None: stop).

    ``sink(spec)`` is called by :func:`show` for every figure shown with a ``key``, with the
    figure's spec naming the key in ``usermeta["itt"]["key"]``.
    """
    global _live_sink
    if sink is not None and not callable(sink):
        raise TypeError(f"sink must be a callable or None, got {type(sink).__name__}")
    _live_sink = sink


# ----------------------------------------------------------------------------- builders
def heatmap(values, *, caption: str, alt: str | None = None,
            row_labels: Sequence | None = None, col_labels: Sequence | None = None,
            row_title: str = "row", col_title: str = "column", value_title: str = "value",
            masked=None, annotate: bool = False, fmt: str = ".3f", diverging: bool = False,
            domain: Sequence[float] | None = None, title: str | None = None) -> Figure:
    """A matrix as coloured cells, with labelled rows and columns and a colour bar.

    Parameters
    ----------
    values : array_like of shape (R, C)
        The numbers. Cells under ``masked`` may hold anything (``-inf`` scores, say).
    caption : str
        What the figure shows, one or two sentences.
    alt : str, optional
        Text alternative; by default it names the matrix, its size and where its extremes are.
    row_labels, col_labels : sequence of R (resp. C) str, optional
        Tick labels (tokens, say); repeats are allowed. Default: ``0 .. R-1``.
    row_title, col_title, value_title : str
        Axis titles and the colour bar's title.
    masked : array_like of bool, shape (R, C), optional
        True where a cell is masked: drawn grey and hatched, "masked" in its tooltip.
    annotate : bool
        Write each value in its cell, formatted with ``fmt``.
    fmt : str
        Python format spec for cell text (tooltips always show the exact value).
    diverging : bool
        Use the diverging scale centred on 0 (for signed values such as scores).
    domain : (low, high), optional
        The colour scale's range of values (e.g. ``(0, 1)`` for weights).
    title : str, optional
        A title above the plot (useful inside ``panels``).

    Returns
    -------
    Figure
    """
    return Figure(parts.heatmap_spec(
        values, caption=caption, alt=alt, row_labels=row_labels, col_labels=col_labels,
        row_title=row_title, col_title=col_title, value_title=value_title, masked=masked,
        annotate=annotate, fmt=fmt, diverging=diverging, domain=domain, title=title))


def lines(x, series, *, caption: str, alt: str | None = None, x_title: str = "x",
          y_title: str = "y", log_x: bool = False, log_y: bool = False,
          vlines: Mapping[str, float] | None = None,
          hlines: Mapping[str, float] | None = None, points: bool = False,
          dashed: Sequence[str] = (), title: str | None = None, log_x_base: int = 10,
          x_integer: bool = False, y_domain: Sequence[float] | None = None) -> Figure:
    """One or several named series of y against a shared x.

    Parameters
    ----------
    x : array_like of shape (N,)
        The x values, shared by every series.
    series : mapping of str to array_like of shape (N,), or array_like of shape (N,)
        The series by name (the legend); a single array is one series named ``y_title``.
    caption, alt, title : str
        As for :func:`heatmap`.
    x_title, y_title : str
        Axis titles.
    log_x, log_y : bool
        Logarithmic axes (every value on that axis must then be positive).
    vlines, hlines : mapping of str to float, optional
        Labelled reference lines at x (resp. y) values, e.g. ``{"chosen T": 4096}``.
    points : bool
        Also mark each data point.
    dashed : sequence of str
        Names of series drawn dashed.
    log_x_base : {10, 2}
        The base of a log x axis: 2 puts ticks at powers of two (d_k = 4, 8, ..., 4096).
    x_integer : bool
        Ticks on x only at whole numbers (layers, steps: 0..2 gets 0, 1, 2, not 0.5 steps).
    y_domain : (low, high), optional
        The y axis range (e.g. ``(0, 1)`` for probabilities); values outside are clamped.

    Returns
    -------
    Figure
    """
    return Figure(charts.xy_spec(
        "lines", x, series, caption=caption, alt=alt, x_title=x_title, y_title=y_title,
        log_x=log_x, log_y=log_y, vlines=vlines, hlines=hlines, points=points,
        dashed=dashed, labels=None, title=title, log_x_base=log_x_base, x_integer=x_integer,
        y_domain=y_domain))


def scatter(series, *, caption: str, alt: str | None = None, x_title: str = "x",
            y_title: str = "y", log_x: bool = False, log_y: bool = False,
            labels: Mapping[str, Sequence[str]] | None = None,
            vlines: Mapping[str, float] | None = None,
            hlines: Mapping[str, float] | None = None,
            title: str | None = None) -> Figure:
    """Points, in one or several named groups, each group with its own x and y.

    Parameters
    ----------
    series : mapping of str to (array_like of shape (N_i,), array_like of shape (N_i,))
        ``{name: (x, y)}``; the names make the legend.
    labels : mapping of str to sequence of N_i str, optional
        A text label written beside each point of that group (words, tokens).
    caption, alt, x_title, y_title, log_x, log_y, vlines, hlines, title
        As for :func:`lines`.

    Returns
    -------
    Figure
    """
    return Figure(charts.xy_spec(
        "scatter", None, series, caption=caption, alt=alt, x_title=x_title, y_title=y_title,
        log_x=log_x, log_y=log_y, vlines=vlines, hlines=hlines, points=True, dashed=(),
        labels=labels, title=title))


def bars(categories: Sequence, groups, *, caption: str, alt: str | None = None,
         x_title: str = "", y_title: str = "value", log_y: bool = False,
         hlines: Mapping[str, float] | None = None, annotate: bool = False,
         fmt: str = ".3g", domain: Sequence[float] | None = None,
         title: str | None = None, highlight: Sequence[str] | None = None,
         stacked: bool = False) -> Figure:
    """Bars per category, grouped side by side (or stacked) when there are several groups.

    Parameters
    ----------
    categories : sequence of C str
        The bars' labels along x, in this order.
    groups : mapping of str to array_like of shape (C,), or array_like of shape (C,)
        Bar heights by group name (the legend); a single array is one group.
    annotate, fmt : bool, str
        Write each bar's value above it, formatted with ``fmt``.
    domain : (low, high), optional
        The y axis range (e.g. ``(0, 1)`` for weights).
    log_y : bool
        A logarithmic y axis (heights must be positive): bars then grow from the power of ten
        below the smallest height (or from ``domain``'s low end), and never stack.
    highlight : sequence of C str, optional
        A name per bar (a single group only): bars with the same name share a colour from
        the theme's categories, and the names make the legend (``"before"``, ``"after"``).
    stacked : bool
        Stack the groups in one bar per category (shares of a whole), the first group at
        the bottom; ``annotate`` then writes each piece's value in its middle.
    caption, alt, x_title, y_title, hlines, title
        As for :func:`lines`.

    Returns
    -------
    Figure
    """
    return Figure(charts.bars_spec(
        categories, groups, caption=caption, alt=alt, x_title=x_title, y_title=y_title,
        log_y=log_y, hlines=hlines, annotate=annotate, fmt=fmt, domain=domain, title=title,
        highlight=highlight, stacked=stacked))


def panels(figures: Sequence[Figure], *, caption: str, alt: str | None = None,
           columns: int | None = None) -> Figure:
    """Small multiples: several figures side by side (one per head or layer, say).

    Parameters
    ----------
    figures : sequence of Figure
        The panels, in reading order; give each a ``title``. Panels may not nest.
    caption, alt : str
        As for :func:`heatmap`; the default ``alt`` joins the panels' own.
    columns : int, optional
        Panels per row on a wide screen (default: all in one row, at most 4). The page uses
        fewer on a narrow screen.

    Returns
    -------
    Figure
    """
    return Figure(charts.panels_spec(figures, caption=caption, alt=alt, columns=columns))


def table(columns: Mapping[str, Sequence], *, caption: str, alt: str | None = None,
          formats: Mapping[str, str] | None = None) -> Figure:
    """A table of named columns (numbers or text). The page shows it as an HTML table.

    Parameters
    ----------
    columns : mapping of str to sequence of length N
        Column name -> its N cells (numbers, strings or bools).
    formats : mapping of str to str, optional
        Python format spec per numeric column (default ``".4g"``).
    caption, alt : str
        As for :func:`heatmap`.

    Returns
    -------
    Figure
    """
    return Figure(charts.table_spec(columns, caption=caption, alt=alt, formats=formats))


def attention_view(tokens: Sequence[str], weights, *, caption: str, alt: str | None = None,
                   key_tokens: Sequence[str] | None = None, layer: int = 0, head: int = 0,
                   layer_names: Sequence[str] | None = None,
                   head_names: Sequence[str] | None = None,
                   threshold: float = 0.0) -> Figure:
    """Attention as lines between two columns of tokens (bertviz's "head view").

    Queries on the left, keys on the right; each line is one weight, thicker and more opaque
    the larger it is. Selectors choose the layer and head; hovering, tapping or choosing a
    token in the "Token" menu (keyboard) shows only its lines and writes the exact weights
    beside the other column. Tooltips give each weight exactly.

    Parameters
    ----------
    tokens : sequence of T_q str
        The query tokens (and the keys too, unless ``key_tokens`` is given).
    weights : array_like of shape (T_q, T_k), (h, T_q, T_k) or (n_layers, h, T_q, T_k)
        Attention weights; each row a distribution over keys (rows sum to 1).
    key_tokens : sequence of T_k str, optional
        The key tokens, for cross-attention (default: ``tokens``).
    layer, head : int
        The layer and head shown first.
    layer_names, head_names : sequence of str, optional
        Names in the selectors (default ``"0", "1", ...``).
    threshold : float
        Weights at or below it are not drawn (0: every non-zero weight).
    caption, alt : str
        As for :func:`heatmap`.

    Returns
    -------
    Figure
    """
    return Figure(graphs.token_graph_spec(
        "attention_view", tokens, weights, caption=caption, alt=alt, key_tokens=key_tokens,
        layer=layer, head=head, layer_names=layer_names, head_names=head_names,
        threshold=threshold))


def routing_graph(tokens: Sequence[str], weights, *, caption: str, alt: str | None = None,
                  layer: int = 0, head: int = 0, layer_names: Sequence[str] | None = None,
                  head_names: Sequence[str] | None = None,
                  threshold: float = 0.0) -> Figure:
    """Attention as routes: keys on the top row, queries below, one line per weight.

    The horizontal twin of :func:`attention_view` (chapter 01): the same selectors, token
    isolation by hover, tap or keyboard, and exact weights in tooltips. Long sequences of
    single characters fit a column's width this way.

    Parameters
    ----------
    tokens : sequence of T str
        The tokens (both rows).
    weights : array_like of shape (T, T), (h, T, T) or (n_layers, h, T, T)
        Attention weights, row = query, column = key.
    layer, head, layer_names, head_names, threshold, caption, alt
        As for :func:`attention_view`.

    Returns
    -------
    Figure
    """
    return Figure(graphs.token_graph_spec(
        "routing_graph", tokens, weights, caption=caption, alt=alt, key_tokens=None,
        layer=layer, head=head, layer_names=layer_names, head_names=head_names,
        threshold=threshold))

