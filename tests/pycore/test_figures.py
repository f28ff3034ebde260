"""pycore.figures: every kind makes a JSON-able Vega-Lite spec that holds the data exactly,
carries its caption and text alternative, names no colour, and rejects bad input by name."""
import json
import math
import re

import numpy as np
import pytest

import pycore as pc
from pycore import figures

WEIGHTS = np.array([[1.0, 0.0, 0.0], [0.25, 0.75, 0.0], [0.2, 0.3, 0.5]])  # (T, T) causal
TOKENS = ["the", "cat", "sat"]


def make_all():
    """One figure of each kind."""
    heat = figures.heatmap(WEIGHTS, caption="Causal weights.", row_labels=TOKENS,
                           col_labels=TOKENS, masked=WEIGHTS == 0, annotate=True, domain=(0, 1))
    line = figures.lines([1, 2, 4], {"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]},
                         caption="Two series.", log_x=True, vlines={"chosen": 2},
                         hlines={"floor": 1.5}, dashed=["b"])
    return {
        "heatmap": heat,
        "lines": line,
        "scatter": figures.scatter({"words": ([0.1, 0.2], [0.3, -0.4])}, caption="Two words.",
                                   labels={"words": ["cat", "dog"]}),
        "bars": figures.bars(["x", "y"], {"before": [1, 2], "after": [2, 0.5]},
                             caption="Bars.", annotate=True),
        "panels": figures.panels([heat, line], caption="Two panels.", columns=2),
        "table": figures.table({"T": [128, 512], "memory": ["32 KiB", "512 KiB"],
                                "ratio": [0.5, 0.125]}, caption="A table."),
        "attention_view": figures.attention_view(TOKENS, np.stack([WEIGHTS, WEIGHTS]),
                                                 caption="Two heads.", head=1),
        "routing_graph": figures.routing_graph(TOKENS, WEIGHTS[None, None], caption="Routes.",
                                               threshold=0.2),
    }


def numbers_in(value):
    """Every float or int in a nested JSON value."""
    if isinstance(value, dict):
        return [n for item in value.values() for n in numbers_in(item)]
    if isinstance(value, list):
        return [n for item in value for n in numbers_in(item)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
    return []


def data_rows(spec):
    """Every inline data row anywhere in a spec."""
    rows = []
    if isinstance(spec, dict):
        if isinstance(spec.get("data"), dict) and "values" in spec["data"]:
            rows.extend(spec["data"]["values"])
        for values in spec.get("datasets", {}).values():
            rows.extend(values)
        for key, item in spec.items():
            if key not in ("data", "datasets"):
                rows.extend(data_rows(item))
    elif isinstance(spec, list):
        for item in spec:
            rows.extend(data_rows(item))
    return rows


@pytest.mark.parametrize("kind", list(make_all()))
def test_each_kind_is_plain_json_with_caption_and_alt(kind):
    figure = make_all()[kind]
    assert figure.kind == kind
    text = figure.to_json()  # allow_nan=False: raises on NaN or infinity
    spec = json.loads(text)
    assert spec["$schema"].endswith("/vega-lite/v5.json")
    meta = spec["usermeta"]["itt"]
    assert meta["caption"] and meta["alt"] and "Figure 1" not in meta["alt"]
    assert spec["background"] == "transparent"
    assert all(math.isfinite(n) for n in numbers_in(spec)), "no NaN or infinity"
    assert type(spec) is dict and figure.to_dict() == spec
    # No colour is written into a spec: the page fills ranges and styles from the theme.
    assert not re.search(r'#[0-9a-fA-F]{3,8}\b|rgba?\(|"(fill|stroke|color)": "(?!independent)',
                         text), text


def test_heatmap_holds_exact_values_and_masked_cells():
    spec = make_all()["heatmap"].spec
    rows = {(row["r"], row["c"]): row for row in data_rows(spec)}
    assert len(rows) == 9
    assert rows[(1, 0)]["value"] == 0.25 and rows[(1, 0)]["exact"] == "0.25"
    assert rows[(1, 0)]["text"] == "0.250" and rows[(1, 0)]["row"] == "cat"
    masked = rows[(0, 2)]
    assert masked["masked"] is True and masked["value"] is None and masked["exact"] == "masked"
    assert masked["text"] == "", "a masked cell never reads as 0"
    styles = {layer["mark"]["style"] for layer in spec["layer"]}
    assert {"itt-masked", "itt-masked-mark", "itt-cell"} <= styles
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["scale"] == {"range": "heatmap", "domain": [0.0, 1.0]}
    assert "largest" in spec["usermeta"]["itt"]["alt"]


def test_heatmap_diverging_is_centred_and_alt_derived():
    spec = figures.heatmap([[-2.0, 1.0]], caption="Signed.", diverging=True).spec
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale == {"range": "diverging", "domain": [-2.0, 2.0], "domainMid": 0.0}


def test_repeated_labels_are_kept_by_position():
    spec = figures.heatmap(np.eye(3), caption="c", row_labels=["a", "b", "a"]).spec
    assert spec["encoding"]["y"]["field"] == "r"
    names = spec["encoding"]["y"]["axis"]["labelExpr"].split("[datum")[0]
    assert json.loads(names) == ["a", "b", "a"]


def test_lines_and_scatter_rows():
    spec = make_all()["lines"].spec
    rows = [row for row in data_rows(spec) if "series" in row]
    assert [(row["series"], row["x"], row["y"]) for row in rows][:3] == [
        ("a", 1.0, 1.0), ("a", 2.0, 2.0), ("a", 4.0, 3.0)]
    assert spec["layer"][0]["layer"][0]["encoding"]["x"]["scale"] == {"type": "log"}
    references = [row for row in data_rows(spec) if "label" in row]
    assert {(row["label"], row["value"]) for row in references} == {("chosen", 2.0), ("floor", 1.5)}
    scatter = make_all()["scatter"].spec
    assert [row["label"] for row in data_rows(scatter) if "series" in row] == ["cat", "dog"]


def test_bars_groups_and_table_cells():
    bars = data_rows(make_all()["bars"].spec)
    assert [(row["category"], row["group"], row["value"]) for row in bars] == [
        ("x", "before", 1.0), ("y", "before", 2.0), ("x", "after", 2.0), ("y", "after", 0.5)]
    table = make_all()["table"].spec
    assert table["usermeta"]["itt"]["columns"] == ["T", "memory", "ratio"]
    cells = {(row["r"], row["column"]): row for row in data_rows(table)}
    assert cells[(1, "T")]["value"] == 512 and cells[(1, "T")]["text"] == "512"
    assert cells[(0, "ratio")]["exact"] == "0.5" and cells[(0, "memory")]["text"] == "32 KiB"


def test_panels_strip_their_figures_top_level():
    spec = make_all()["panels"].spec
    assert spec["columns"] == 2 and len(spec["concat"]) == 2
    for sub in spec["concat"]:
        assert "usermeta" not in sub and "$schema" not in sub
        assert sub["width"] != "container", "a panel's width is set (the page refits it)"


def test_attention_view_edges_equal_the_weights():
    stacked = np.stack([WEIGHTS, WEIGHTS.T / WEIGHTS.T.sum(axis=1, keepdims=True)])  # (h, T, T)
    spec = figures.attention_view(TOKENS, stacked, caption="c", head=1).spec
    edges = [row for row in data_rows(spec) if "w" in row]
    drawn = np.zeros((1, 2, 3, 3))
    for edge in edges:
        drawn[edge["l"], edge["h"], edge["q"], edge["k"]] = edge["w"]
        assert edge["we"] == repr(edge["w"])
    np.testing.assert_array_equal(drawn[0], stacked, err_msg="drawn attention weights")
    params = {param["name"]: param for param in spec["params"]}
    assert params["itt_head"]["value"] == 1 and params["itt_head"]["bind"]["input"] == "select"
    assert "bind" not in params["itt_layer"], "one layer: no layer menu"
    token_menu = params["itt_token"]["bind"]
    assert token_menu["labels"][0] == "all tokens" and token_menu["labels"][1] == "query 0: the"
    assert len(token_menu["options"]) == 1 + 2 * len(TOKENS)


def test_routing_graph_threshold_and_shown_tokens():
    spec = figures.routing_graph(["a", " ", "b"], WEIGHTS, caption="c", threshold=0.25).spec
    edges = [row for row in data_rows(spec) if "w" in row]
    assert sorted((e["q"], e["k"]) for e in edges) == [(0, 0), (1, 1), (2, 1), (2, 2)]
    tokens = [row["token"] for row in data_rows(spec) if row.get("side") == "key"]
    assert tokens == ["a", "␣", "b"], "a space is drawn visibly"


@pytest.mark.parametrize("call, argument", [
    (lambda: figures.heatmap([1.0, 2.0], caption="c"), "values"),
    (lambda: figures.heatmap([[np.nan]], caption="c"), "values"),
    (lambda: figures.heatmap([[1.0]], caption=""), "caption"),
    (lambda: figures.heatmap([[1.0, 2.0]], caption="c", col_labels=["a"]), "col_labels"),
    (lambda: figures.heatmap([[1.0, 2.0]], caption="c", masked=[[True]]), "masked"),
    (lambda: figures.heatmap([[1.0]], caption="c", fmt="%d"), "fmt"),
    (lambda: figures.lines([1, 2], {"a": [1.0]}, caption="c"), "series['a']"),
    (lambda: figures.lines([0, 1], [1.0, 2.0], caption="c", log_x=True), "log"),
    (lambda: figures.lines([1, 2], [1.0, 2.0], caption="c", vlines={"v": math.inf}), "vlines['v']"),
    (lambda: figures.lines([1, 2], [1.0, 2.0], caption="c", dashed=["nope"]), "dashed"),
    (lambda: figures.scatter({"a": [1.0, 2.0]}, caption="c"), "series['a']"),
    (lambda: figures.bars(["a", "a"], [1, 2], caption="c"), "categories"),
    (lambda: figures.bars(["a", "b"], {"g": [1]}, caption="c"), "groups['g']"),
    (lambda: figures.panels([], caption="c"), "figures"),
    (lambda: figures.panels([figures.table({"a": [1]}, caption="t")], caption="c"), "figures[0]"),
    (lambda: figures.table({"a": [1], "b": [1, 2]}, caption="c"), "lengths"),
    (lambda: figures.table({"a": [object()]}, caption="c"), "columns['a'][0]"),
    (lambda: figures.attention_view(["a"], np.ones((2, 2)) / 2, caption="c"), "weights"),
    (lambda: figures.attention_view(["a", "b"], -np.ones((2, 2)), caption="c"), "weights"),
    (lambda: figures.attention_view(["a"], [[1.0]], caption="c", head=1), "head"),
    (lambda: figures.routing_graph(["a"], [[1.0]], caption="c", threshold=-1), "threshold"),
])
def test_bad_input_is_rejected_naming_the_argument(call, argument):
    with pytest.raises(ValueError, match=re.escape(argument)):
        call()


def test_show_collects_for_the_runner_and_rejects_non_figures():
    figures.take_shown()
    heat = make_all()["heatmap"]
    figures.show(heat)
    taken = figures.take_shown()
    assert taken == [heat.to_dict()] and figures.take_shown() == []
    with pytest.raises(TypeError, match="argument 0 is a dict"):
        figures.show(heat.spec)


def test_runner_returns_shown_figures_as_specs():
    from demos.runner import run_demo

    source = ("import pycore as pc\n"
              "pc.figures.show(pc.figures.bars(['a', 'b'], [1, 2], caption='Two bars.'))\n"
              "result = {'ok': True}\n")
    outcome = run_demo(source)
    assert outcome["error"] is None, outcome["error"]
    assert outcome["images"] == []
    (spec,) = outcome["figures"]
    assert spec["usermeta"]["itt"]["caption"] == "Two bars."
    json.dumps(outcome, allow_nan=False)
    assert run_demo("x = 1\n")["figures"] == [], "figures do not leak into the next run"


def test_keyed_show_replaces_the_figure_shown_before_under_that_key():
    figures.take_shown()
    first, second = (figures.bars(["a"], [value], caption=f"Bar {value}.") for value in (1, 2))
    other = figures.bars(["b"], [3], caption="Other.")
    figures.show(first, key="curve")
    figures.show(other)
    figures.show(second, key="curve")
    taken = figures.take_shown()
    assert [spec["usermeta"]["itt"]["caption"] for spec in taken] == ["Bar 2.", "Other."], \
        "replaced in place, not appended"
    assert [spec["usermeta"]["itt"].get("key") for spec in taken] == ["curve", None]
    with pytest.raises(ValueError, match="takes one figure, got 2"):
        figures.show(first, second, key="curve")
    with pytest.raises(TypeError, match="key must be a non-empty str"):
        figures.show(first, key="")
    assert figures.take_shown() == [], "a rejected call shows nothing"


LIVE_SOURCE = """
import time
import pycore as pc
for step in range(1, 41):
    curve = {"loss": [1.0 / (1 + i) for i in range(step)]}
    pc.figures.show(pc.figures.lines(list(range(step)), curve, caption="Loss."), key="loss")
    time.sleep(0.02)
result = {"steps": step}
"""


def test_runner_sends_keyed_figures_while_the_run_goes_and_keeps_the_last():
    from demos.runner import LIVE_FIGURE_SECONDS, run_demo

    sent = []
    outcome = run_demo(LIVE_SOURCE, on_output=lambda kind, text: sent.append((kind, text)))
    assert outcome["error"] is None, outcome["error"]
    live = [json.loads(text) for kind, text in sent if kind == "figure"]
    # 40 shows over about 0.8 s, throttled to one per LIVE_FIGURE_SECONDS: a few, not 40.
    assert 2 <= len(live) <= 0.8 / LIVE_FIGURE_SECONDS * 2 + 1, len(live)
    assert {spec["usermeta"]["itt"]["key"] for spec in live} == {"loss"}
    points = [len(spec["layer"][0]["data"]["values"]) for spec in live]
    assert points[0] == 1 and points == sorted(points)
    (final,) = outcome["figures"]
    assert len(final["layer"][0]["data"]["values"]) == 40, "the result keeps the last version"
    assert final["usermeta"]["itt"]["key"] == "loss", "the page puts it where the live one was"
    quiet = run_demo(LIVE_SOURCE)  # no on_output (the build, pytest): nothing is sent
    assert len(quiet["figures"]) == 1 and figures._live_sink is None


def test_notebook_mime_bundle():
    bundle = make_all()["attention_view"]._repr_mimebundle_()
    assert set(bundle) == {figures.MIME_TYPE, "text/plain"}
    assert figures.MIME_TYPE == "application/vnd.vegalite.v5+json"
    assert bundle[figures.MIME_TYPE]["usermeta"]["itt"]["caption"] == "Two heads."
    assert pc.figures is figures


@pytest.mark.parametrize("kind", list(make_all()))
def test_every_kind_compiles_with_vega_lite(kind):
    """The specs are valid Vega-Lite: vl-convert (Vega-Lite 5.20, as JupyterLab) draws them."""
    vl_convert = pytest.importorskip("vl_convert")
    spec = make_all()[kind].to_dict()
    svg = vl_convert.vegalite_to_svg(spec, vl_version="v5_20")
    assert svg.startswith("<svg") and "<text" in svg


# ---- the vocabulary's follow-up (issue 14): log bars, highlight, stacked, integer x, y range -

def _svg(figure):
    vl_convert = pytest.importorskip("vl_convert")
    return vl_convert.vegalite_to_svg(figure.to_dict(), vl_version="v5_20")


def _bar_heights(svg):
    """Heights of the drawn bars (vl-convert writes each as a rectangle path 'Mx,yhWvHh-Wz')."""
    marks = "".join(re.findall(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg))
    return [float(h) for h in re.findall(r'd="M[-\d.e]+,[-\d.e]+h[-\d.e]+v([-\d.e]+)h', marks)]


def test_log_bars_grow_from_a_power_of_ten_below_the_smallest_and_never_stack():
    sizes = {"MHA": [0.5, 40.0, 320.0], "MQA": [0.004, 0.3, 2.5]}
    spec = figures.bars(["a", "b", "c"], sizes, caption="Sizes.", log_y=True).spec
    (bar, *_) = spec["layer"][0]["layer"]
    assert bar["encoding"]["y"]["stack"] is None
    assert bar["encoding"]["y"]["scale"] == {"type": "log", "domain": [0.001, 1000.0]}
    rows = data_rows(spec)
    assert {row["base"] for row in rows} == {0.001}
    assert sorted(row["value"] for row in rows) == sorted(sizes["MHA"] + sizes["MQA"])
    heights = _bar_heights(_svg(figures.bars(["a", "b", "c"], sizes, caption="S.", log_y=True)))
    assert len(heights) == 6 and min(heights) > 1, f"every log bar is drawn: {heights}"
    # An exact power of ten still shows a bar: the axis starts a decade lower.
    assert data_rows(figures.bars(["a"], [0.01], caption="c", log_y=True).spec)[0]["base"] == 0.001
    with_domain = figures.bars(["a"], [5.0], caption="c", log_y=True, domain=(1, 100)).spec
    assert data_rows(with_domain)[0]["base"] == 1.0


def test_highlight_colours_bars_by_name_with_a_legend():
    spec = figures.bars(["a", "b", "c"], [0.0, 2.0, 1.0], caption="c",
                        highlight=["before", "after", "after"]).spec
    rows = data_rows(spec)
    assert [(row["category"], row["group"], row["value"]) for row in rows] == [
        ("a", "before", 0.0), ("b", "after", 2.0), ("c", "after", 1.0)]
    color = spec["layer"][0]["layer"][0]["encoding"]["color"]
    assert color["scale"] == {"range": "category", "domain": ["before", "after"]}
    assert color["legend"] is not None
    assert "xOffset" not in spec["layer"][0]["layer"][0]["encoding"], "one bar per category"
    svg = _svg(figures.bars(["a", "b"], [1.0, 2.0], caption="c", highlight=["x", "y"]))
    assert ">x</text>" in svg and ">y</text>" in svg, "the names make the legend"


def test_stacked_bars_add_up_in_the_groups_order_and_label_their_middles():
    shares = {"embedding": [0.2], "attention": [0.3], "FFN": [0.49], "norms": [0.01]}
    figure = figures.bars(["model"], shares, caption="c", stacked=True, annotate=True,
                          fmt=".0%")
    bar, text_layer = figure.spec["layer"][0]["layer"]
    assert bar["encoding"]["y"]["stack"] == "zero" and "xOffset" not in bar["encoding"]
    rows = data_rows(figure.spec)
    assert [(row["group"], row["order"], row["room"]) for row in rows] == [
        ("embedding", 0, True), ("attention", 1, True), ("FFN", 2, True), ("norms", 3, False)]
    assert "color" not in text_layer["encoding"], "labels in the text colour, not the bar's"
    assert text_layer["mark"]["style"] == "itt-cell-text-strong", "legible on a filled bar"
    svg = _svg(figure)
    heights = sorted(_bar_heights(svg))
    assert len(heights) == 4
    assert heights[-1] / heights[0] == pytest.approx(49, rel=0.05), "heights in proportion"
    assert ">49%</text>" in svg and ">1%</text>" not in svg, "a 1% sliver has no label"


def test_lines_integer_x_fixed_y_range_and_log_base_two():
    spec = figures.lines([0, 1, 2], [0.1, 0.5, 0.9], caption="c", x_integer=True,
                         y_domain=(0, 1)).spec
    encoding = spec["layer"][0]["layer"][0]["encoding"]
    assert encoding["x"]["axis"]["values"] == [0, 1, 2]
    assert encoding["y"]["scale"]["domain"] == [0.0, 1.0]
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", _svg(figures.lines(
        [0, 1, 2], [0.1, 0.5, 0.9], caption="c", x_integer=True, x_title="layer")))
    assert ticks[:3] == ["0", "1", "2"], f"whole-number ticks only: {ticks}"
    d_k = [4, 16, 64, 256, 1024, 4096]
    spec = figures.lines(d_k, [1.0, 2, 3, 4, 5, 6], caption="c", log_x=True, log_x_base=2).spec
    assert spec["layer"][0]["layer"][0]["encoding"]["x"]["scale"] == {"type": "log", "base": 2}
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", _svg(figures.Figure(spec)))
    assert ticks[:3] == ["4", "8", "16"] and "4096" in ticks, ticks


def test_panel_legends_sit_under_the_panels():
    line = figures.lines([1, 2], {"a rather long series name": [1, 2], "b": [2, 1]},
                         caption="c", title="one")
    spec = figures.panels([line, line], caption="c").spec
    legend = spec["concat"][0]["layer"][0]["layer"][0]["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom" and legend["columns"] == 1, legend


@pytest.mark.parametrize("call, argument", [
    (lambda: figures.bars(["a"], {"g": [1], "h": [2]}, caption="c", highlight=["x"]),
     "highlight"),
    (lambda: figures.bars(["a", "b"], [1, 2], caption="c", highlight=["x"]), "highlight"),
    (lambda: figures.bars(["a"], [1], caption="c", stacked=True, log_y=True), "stacked"),
    (lambda: figures.bars(["a"], [1], caption="c", log_y=True, domain=(0, 10)), "domain"),
    (lambda: figures.lines([1, 2], [1, 2], caption="c", y_domain=(1, 0)), "y_domain"),
    (lambda: figures.lines([1, 2], [1, 2], caption="c", y_domain=(0,)), "y_domain"),
    (lambda: figures.lines([1, 2], [1, 2], caption="c", log_x=True, log_x_base=3), "log_x_base"),
    # what fuzzing (tests/pycore/test_fuzz.py) found: TypeErrors that named nothing
    (lambda: figures.heatmap(WEIGHTS, caption="c", domain=2.5j), "domain"),
    (lambda: figures.lines([1, 2], [1, 2], caption="c", vlines="x"), "vlines"),
    (lambda: figures.panels(None, caption="c"), "figures"),
    (lambda: figures.table({"a": [1]}, caption="c", formats=["a"]), "formats"),
    (lambda: figures.attention_view(TOKENS, WEIGHTS, caption="c", head_names=2.5j), "head_names"),
    (lambda: figures.bars(3, [1], caption="c"), "categories"),
])
def test_new_options_reject_bad_input_by_name(call, argument):
    with pytest.raises((ValueError, TypeError), match=re.escape(argument)):
        call()
