"""Vega-Lite specs for ``pycore.figures``' token graphs: attention view and routing graph.

Private: demos call ``pycore.figures.attention_view`` / ``routing_graph``. The layout follows
bertviz's "head view" (Vig 2019, "A Multiscale Visualization of Attention in the Transformer
Model", section 3.1): tokens in two rows or columns, one line per attention weight with its
opacity and width set by the weight, a layer and head selector, and a token's lines isolated
on hover. Here isolation also answers a tap (a click selection) and the keyboard (a "Token"
menu bound to a Vega parameter), and the isolated weights are written out beside the tokens.
"""
from __future__ import annotations

import numpy as np

from ._figure_parts import array, base, finite, labels, number, strings

TOKEN_STEP = 22  # px between tokens in a column (attention view)
GRAPH_WIDTH = 260  # px between the two columns (attention view)
ROUTING_HEIGHT = 120  # px between the two rows (routing graph)


def shown_token(token):
    """A token as drawn: a space or newline would be invisible."""
    token = str(token)
    if token == "":
        return "∅"
    return token.replace(" ", "␣").replace("\n", "⏎").replace("\t", "⇥")


def _index(name, value, count):
    is_int = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not is_int or not 0 <= value < count:
        raise ValueError(f"{name} must be an int in [0, {count}), got {value!r}")
    return int(value)


def _select(name, label, value, options, option_labels):
    """A Vega parameter bound to a <select> (a keyboard-usable control under the figure)."""
    return {"name": name, "value": value,
            "bind": {"input": "select", "options": options, "labels": option_labels,
                     "name": label}}


def token_graph_spec(kind, tokens, weights, *, caption, alt, key_tokens, layer, head,
                     layer_names, head_names, threshold):
    query_tokens = strings("tokens", tokens)
    key_tokens = query_tokens if key_tokens is None else strings("key_tokens", key_tokens)
    weights = array("weights", weights, (2, 3, 4))
    while weights.ndim < 4:
        weights = weights[None]  # (n_layers, h, T_q, T_k)
    n_layers, h, T_q, T_k = weights.shape
    if (T_q, T_k) != (len(query_tokens), len(key_tokens)):
        raise ValueError(f"weights has shape {weights.shape}, expected (..., {len(query_tokens)}, "
                         f"{len(key_tokens)}) for {len(query_tokens)} query and "
                         f"{len(key_tokens)} key tokens")
    if T_q == 0 or T_k == 0:
        raise ValueError("tokens is empty: a graph needs at least one token")
    finite("weights", weights)
    if np.any(weights < 0):
        raise ValueError("weights has negative entries; attention weights are >= 0")
    layer = _index("layer", layer, n_layers)
    head = _index("head", head, h)
    layer_names = labels("layer_names", layer_names, n_layers)
    head_names = labels("head_names", head_names, h)
    threshold = number("threshold", threshold)
    if threshold < 0:
        raise ValueError(f"threshold must be >= 0, got {threshold}")

    queries = [shown_token(token) for token in query_tokens]
    keys = [shown_token(token) for token in key_tokens]
    edges = []
    for l_index, h_index, q, k in np.argwhere(weights > threshold).tolist():
        w = float(weights[l_index, h_index, q, k])
        edges.append({"l": l_index, "h": h_index, "q": q, "k": k, "w": w, "we": repr(w),
                      "qt": f"{q}: {queries[q]}", "kt": f"{k}: {keys[k]}", "wt": format(w, ".3f")})
    nodes = ([{"side": "query", "index": i, "token": t} for i, t in enumerate(queries)]
             + [{"side": "key", "index": j, "token": t} for j, t in enumerate(keys)])

    def default_alt():
        shown = weights[layer, head]  # (T_q, T_k)
        later = shown[1:] if T_q > 1 else shown  # row 0 of a causal head is trivially 1
        q, k = np.unravel_index(int(np.argmax(later)), later.shape)
        q = q + (1 if T_q > 1 else 0)
        return (f"Attention of {n_layers} layer(s) by {h} head(s) between {T_q} query and {T_k} "
                f"key tokens, drawn as lines weighted by attention. In layer {layer_names[layer]}, "
                f"head {head_names[head]}, the strongest line"
                + (" after the first token" if T_q > 1 else "")
                + f" joins query {q} ({queries[q]}) to key {k} ({keys[k]}) with weight "
                f"{shown[q, k]:.3f}. Choose a token in the Token menu to list its weights.")

    spec = base(kind, caption, alt, default_alt, fit="graph")
    vertical = kind == "attention_view"
    token_options = [-1] + list(range(T_q + T_k))
    token_labels = (["all tokens"] + [f"query {i}: {t}" for i, t in enumerate(queries)]
                    + [f"key {j}: {t}" for j, t in enumerate(keys)])
    params = [
        _select("itt_layer", "Layer ", layer, list(range(n_layers)), layer_names)
        if n_layers > 1 else {"name": "itt_layer", "value": layer},
        _select("itt_head", "Head ", head, list(range(h)), head_names)
        if h > 1 else {"name": "itt_head", "value": head},
        _select("itt_token", "Token ", -1, token_options, token_labels),
        # The isolated token, [side, index] or null: hover wins, then a tap, then the menu.
        {"name": "itt_active", "expr": (
            "length(data('itt_hover_store')) ? data('itt_hover_store')[0].values"
            " : length(data('itt_pin_store')) ? data('itt_pin_store')[0].values"
            f" : toNumber(itt_token) < 0 ? null : toNumber(itt_token) < {T_q}"
            f" ? ['query', toNumber(itt_token)] : ['key', toNumber(itt_token) - {T_q}]")},
    ]
    shown_edges = [
        {"filter": "datum.l === itt_layer && datum.h === itt_head"},
        {"filter": "itt_active === null || (itt_active[0] === 'query'"
                   " ? datum.q === itt_active[1] : datum.k === itt_active[1])"},
    ]
    # Positions: attention view = two columns (x 0 queries, x 1 keys; y = index, top down);
    # routing graph = two rows (y 1 keys on top, y 0 queries; x = index).
    n = max(T_q, T_k)
    if vertical:
        x_scale = {"domain": [0, 1]}
        y_scale = {"domain": [-0.5, n - 0.5], "reverse": True}
        edge_position = {"x": {"datum": 0}, "x2": {"datum": 1},
                         "y": {"field": "q"}, "y2": {"field": "k"}}
        node_x = {"field": "side_x"}
        node_y = {"field": "index"}
        side_at = "datum.side === 'query' ? 0 : 1"
        node_mark = {"type": "text", "style": "itt-token", "baseline": "middle",
                     "align": {"expr": "datum.side === 'query' ? 'right' : 'left'"},
                     "dx": {"expr": "datum.side === 'query' ? -8 : 8"}}
        label_x = {"field": "lx"}
        label_y = {"field": "ly"}
        label_calc = [{"calculate": "itt_active[0] === 'query' ? 1 : 0", "as": "lx"},
                      {"calculate": "itt_active[0] === 'query' ? datum.k : datum.q", "as": "ly"}]
        label_mark = {"type": "text", "style": "itt-weight", "baseline": "bottom", "dy": -2,
                      "align": {"expr": "itt_active[0] === 'query' ? 'right' : 'left'"},
                      "dx": {"expr": "itt_active[0] === 'query' ? -4 : 4"}}
        size = {"width": GRAPH_WIDTH, "height": n * TOKEN_STEP}
    else:
        x_scale = {"domain": [-0.5, n - 0.5]}
        y_scale = {"domain": [0, 1]}
        edge_position = {"x": {"field": "k"}, "x2": {"field": "q"},
                         "y": {"datum": 1}, "y2": {"datum": 0}}
        node_x = {"field": "index"}
        node_y = {"field": "side_x"}
        side_at = "datum.side === 'query' ? 0 : 1"
        node_mark = {"type": "text", "style": "itt-token",
                     "baseline": {"expr": "datum.side === 'query' ? 'top' : 'bottom'"},
                     "dy": {"expr": "datum.side === 'query' ? 6 : -6"}}
        label_x = {"field": "lx"}
        label_y = {"field": "ly"}
        label_calc = [{"calculate": "itt_active[0] === 'query' ? datum.k : datum.q", "as": "lx"},
                      {"calculate": "itt_active[0] === 'query' ? 1 : 0", "as": "ly"}]
        label_mark = {"type": "text", "style": "itt-weight",
                      "baseline": {"expr": "itt_active[0] === 'query' ? 'top' : 'bottom'"},
                      "dy": {"expr": "itt_active[0] === 'query' ? 4 : -4"}}
        size = {"width": "container", "height": ROUTING_HEIGHT}
    # The two rows (columns) are named by an axis: "queries" and "keys". Every layer gives
    # the same axis (layers share it, and one layer's "no axis" would hide it).
    side_axis = {"values": [0, 1], "labelExpr": "datum.value === 1 ? 'keys' : 'queries'",
                 "title": None, "domain": False, "ticks": False, "grid": False,
                 "labelFontWeight": 600}
    axes = {"x": dict(side_axis, orient="top", labelPadding=6) if vertical else None,
            "y": None if vertical else dict(side_axis, labelPadding=10)}
    for channel in ("x", "y"):
        scale = x_scale if channel == "x" else y_scale
        edge_position[channel].update(type="quantitative", scale=scale, axis=axes[channel])
    node_x.update(type="quantitative", scale=x_scale, axis=axes["x"])
    node_y.update(type="quantitative", scale=y_scale, axis=axes["y"])
    label_x.update(type="quantitative", scale=x_scale, axis=axes["x"])
    label_y.update(type="quantitative", scale=y_scale, axis=axes["y"])
    weight = {"field": "w", "type": "quantitative", "legend": None}
    edge_tooltip = [{"field": "qt", "title": "query"}, {"field": "kt", "title": "key"},
                    {"field": "we", "title": "weight"}]
    spec.update(size)
    spec.update({
        # Named once, read by the lines and by the weight labels.
        "datasets": {"itt_edges": edges},
        "params": params,
        "layer": [
            {"data": {"name": "itt_edges"}, "transform": shown_edges,
             "mark": {"type": "rule", "style": "itt-edge", "strokeCap": "round"},
             "encoding": dict(edge_position, tooltip=edge_tooltip,
                              opacity=dict(weight, scale={"domain": [0, 1], "range": [0.15, 1]}),
                              strokeWidth=dict(weight, scale={"domain": [0, 1],
                                                              "range": [0.5, 5]}))},
            {"data": {"values": nodes},
             "transform": [{"calculate": side_at, "as": "side_x"}],
             "params": [
                 {"name": "itt_hover", "select": {"type": "point", "fields": ["side", "index"],
                                                  "on": "mouseover", "clear": "mouseout"}},
                 {"name": "itt_pin", "select": {"type": "point", "fields": ["side", "index"],
                                                "on": "click"}},
             ],
             # The active token in bold: a mark property (Vega-Lite has no fontWeight channel).
             "mark": dict(node_mark, cursor="pointer", fontWeight={
                 "expr": "itt_active !== null && itt_active[0] === datum.side"
                         " && itt_active[1] === datum.index ? 'bold' : 'normal'"}),
             "encoding": {"x": node_x, "y": node_y, "text": {"field": "token"},
                          "tooltip": [{"field": "side", "title": "side"},
                                      {"field": "index", "title": "position"},
                                      {"field": "token", "title": "token"}]}},
            {"data": {"name": "itt_edges"},
             "transform": shown_edges + [{"filter": "itt_active !== null"}] + label_calc,
             "mark": label_mark,
             "encoding": {"x": label_x, "y": label_y, "text": {"field": "wt"},
                          "tooltip": edge_tooltip}},
        ],
    })
    return spec
