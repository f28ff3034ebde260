"""Generate the book's diagrams: docs/diagrams/NN/<name>.svg (and <name>.narrow.svg).

Each diagram is a small Python function drawing with a handful of primitives (boxes, text,
arrows, grids of cells) on a ``Drawing``. The drawings carry no colour: every shape and
text has a class, and docs/stylesheets/diagrams.css maps the classes to the theme's CSS
variables, so an inlined diagram follows the light and dark palettes. Text sizes are given
in the SVG's user units; a layout is sized so that no text renders below 12 CSS px in the
column it is shown in (``check_legible``): wide layouts (680 units) are shown when the
column is at least 640 px wide, narrow ones (at most 360 units) below that.

Numbers drawn come from ``pycore`` (presets, the shipped tokenizer, softmax), so a change
there changes the diagram; tests/site/test_diagrams.py checks that the committed SVGs are
what this script writes and that their numbers match pycore.

Usage: ``python scripts/diagrams.py`` (write every diagram) or ``--check`` (exit 1 if any
committed SVG differs from what would be written).
"""
from __future__ import annotations

import argparse
import html
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import pycore  # noqa: E402
from pycore.config import TransformerConfig  # noqa: E402
from pycore.pretrained import load_pretrained  # noqa: E402

OUT = ROOT / "docs" / "diagrams"
WIDE = 680  # user units of a wide layout
WIDE_MIN_COLUMN = 640  # CSS px: wide layouts are shown from this column width up
NARROW_COLUMN = 350  # CSS px: the column at a 390 px viewport, rounded down
MIN_TEXT_PX = 12.0

SANS, MONO = "sans", "mono"


def _fmt(value):
    """A coordinate as short text: integers without a decimal point."""
    value = round(float(value), 2)
    return str(int(value)) if value == int(value) else f"{value:g}"


class Drawing:
    """An SVG canvas of ``width`` x ``height`` user units, drawn with classed primitives."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.items = []
        self.sizes = []  # every font size used, for check_legible

    # ---------------------------------------------------------------- shapes
    def rect(self, x, y, w, h, cls="box", rx=6):
        self.items.append(
            f'<rect class="{cls}" x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(w)}" '
            f'height="{_fmt(h)}" rx="{_fmt(rx)}"/>'
        )

    def circle(self, cx, cy, r, cls="box"):
        self.items.append(f'<circle class="{cls}" cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(r)}"/>')

    def path(self, d, cls="wire"):
        self.items.append(f'<path class="{cls}" d="{d}"/>')

    def line(self, *points, cls="wire"):
        self.path("M" + " L".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points), cls)

    def arrow(self, *points, cls="wire", head=7.0):
        """A polyline ending in a filled arrowhead (class ``head`` plus the wire's tone)."""
        (x0, y0), (x1, y1) = points[-2], points[-1]
        length = math.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        bx, by = x1 - ux * head, y1 - uy * head  # base of the head: the line stops there
        self.line(*points[:-1], (bx, by), cls=cls)
        px, py = -uy * head * 0.55, ux * head * 0.55
        corners = [(x1, y1), (bx + px, by + py), (bx - px, by - py)]
        tone = cls.replace("wire", "head")
        self.items.append(
            f'<polygon class="{tone}" points="'
            + " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in corners) + '"/>'
        )

    def curve(self, x0, y0, x1, y1, cls="wire", bend=0.5):
        """A vertical S-curve arrow from (x0, y0) to (x1, y1)."""
        my = y0 + (y1 - y0) * bend
        d = (f"M{_fmt(x0)},{_fmt(y0)} C{_fmt(x0)},{_fmt(my)} {_fmt(x1)},{_fmt(my)} "
             f"{_fmt(x1)},{_fmt(y1 - 7 if y1 > y0 else y1 + 7)}")
        self.path(d, cls)
        self.arrow((x1, y1 - 8 if y1 > y0 else y1 + 8), (x1, y1), cls=cls)

    def curve_h(self, x0, y0, x1, y1, cls="wire-link"):
        """A horizontal S-curve arrow from (x0, y0) to (x1, y1)."""
        mx = (x0 + x1) / 2
        self.path(f"M{_fmt(x0)},{_fmt(y0)} C{_fmt(mx)},{_fmt(y0)} {_fmt(mx)},{_fmt(y1)} "
                  f"{_fmt(x1 - 8)},{_fmt(y1)}", cls)
        self.arrow((x1 - 9, y1), (x1, y1), cls=cls)

    # ---------------------------------------------------------------- text
    def text(self, x, y, s, size=14, cls="ink", anchor="middle", weight=None, font=SANS):
        self.sizes.append(size)
        attrs = [f'class="{cls} {font}"', f'x="{_fmt(x)}"', f'y="{_fmt(y)}"',
                 f'font-size="{_fmt(size)}"']
        if anchor != "start":
            attrs.append(f'text-anchor="{anchor}"')
        if weight:
            attrs.append(f'font-weight="{weight}"')
        self.items.append(f"<text {' '.join(attrs)}>{html.escape(s, quote=False)}</text>")

    def box(self, x, y, w, h, lines, cls="box", rx=6, size=14, gap=None):
        """A rectangle with lines of text centred in it.

        ``lines``: strings, or (text, {"cls", "font", "size", "weight"}) pairs.
        """
        self.rect(x, y, w, h, cls, rx)
        self.lines(x + w / 2, y + h / 2, lines, size=size, gap=gap)

    def lines(self, cx, cy, lines, size=14, gap=None, anchor="middle"):
        """Lines of text whose block is vertically centred on ``cy``."""
        lines = [item if isinstance(item, tuple) else (item, {}) for item in lines]
        sizes = [style.get("size", size) for _, style in lines]
        gap = gap or 1.25
        heights = [s * gap for s in sizes]
        top = cy - sum(heights) / 2
        for (text, style), s, height in zip(lines, sizes, heights):
            top += height
            if not text:
                continue
            self.text(cx, top - height * 0.27 - (gap - 1) * s / 2 + 0.5, text, size=s,
                      cls=style.get("cls", "ink"), anchor=anchor,
                      weight=style.get("weight"), font=style.get("font", SANS))

    def cells(self, x, y, values, cell, cls_of=None, gap=2):
        """A grid of square cells; ``values`` is a 2-D list of class names or numbers in [0, 1]."""
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                cls = value if isinstance(value, str) else heat(value)
                if cls_of:
                    cls = cls_of(i, j, cls)
                self.rect(x + j * (cell + gap), y + i * (cell + gap), cell, cell, cls, rx=2)

    # ---------------------------------------------------------------- output
    def svg(self, ident, title, desc):
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_fmt(self.width)} '
            f'{_fmt(self.height)}" role="img" aria-labelledby="{ident}-title {ident}-desc">'
        )
        body = "\n".join(self.items)
        return (f"{head}\n<title id=\"{ident}-title\">{html.escape(title, quote=False)}</title>\n"
                f"<desc id=\"{ident}-desc\">{html.escape(desc, quote=False)}</desc>\n"
                f"{body}\n</svg>\n")


def heat(value):
    """The class of a cell shaded by ``value`` in [0, 1] (eleven steps of the accent)."""
    return f"heat-{int(round(max(0.0, min(1.0, float(value))) * 10))}"


M = {"font": MONO}  # a line set in the monospaced face (shapes, code names)
MUTED = {"cls": "muted"}
MONO_MUTED = {"font": MONO, "cls": "muted"}
BOLD = {"weight": "600"}
ACCENT = {"cls": "accent", "weight": "600"}


def shape(*names):
    """A shape tuple as the code comments write it: ``(B, T, d_model)``."""
    return "(" + ", ".join(str(n) for n in names) + ")"


def check_legible(drawing, layout, name):
    """Raise if any text of ``drawing`` would render below MIN_TEXT_PX in its layout."""
    column = WIDE_MIN_COLUMN if layout == "wide" else NARROW_COLUMN
    scale = min(1.0, column / drawing.width) if layout == "narrow" else column / drawing.width
    smallest = min(drawing.sizes) * scale
    if smallest < MIN_TEXT_PX:
        raise ValueError(f"{name} ({layout}): text of {min(drawing.sizes)} units renders at "
                         f"{smallest:.1f} px in a {column} px column; enlarge it or narrow the "
                         "layout")


# ================================================================ numbers from pycore
GPT2 = TransformerConfig.preset("gpt2-small")
LLAMA = TransformerConfig.preset("tiny-llama")


def _and(values, fmt):
    """``values`` formatted and joined as prose: "1.0, 0.5 and 2.0"."""
    texts = [format(float(value), fmt) for value in values]
    return ", ".join(texts[:-1]) + " and " + texts[-1]


def book_tokens(text):
    """(characters, ids) of ``text`` under the shipped character tokenizer."""
    _, tokenizer = load_pretrained("lm_tiny")
    ids = tokenizer.encode(text)
    return [tokenizer.id_to_token(i) for i in ids], ids


def book_config():
    model, _ = load_pretrained("lm_tiny")
    return model.config


ONE_QUERY_SCORES = [1.0, 0.5, 2.0]  # chapter 04's diagram: illustrative scaled scores
SATURATION_SCORES = [2.0, 1.0, 0.5, -1.0]  # an illustrative row of scores (chapter 05)
# The scores as they are, and multiplied by sqrt(d_head) of GPT-2 small (= 8): the factor the
# scaling divides out.
SATURATION_SCALES = [1.0, math.sqrt(GPT2.d_head)]


def saturation_rows():
    """[(scale, weights y, diagonal y(1 - y) of the softmax Jacobian)] for chapter 05."""
    rows = []
    for scale in SATURATION_SCALES:
        weights = pycore.softmax(np.array(SATURATION_SCORES) * scale)
        # d y_i / d s_i = y_i (1 - y_i): the diagonal of pycore's softmax Jacobian, read
        # off its backward pass with one one-hot upstream gradient per row
        n = len(weights)
        jac_diag = np.diag(pycore.softmax_backward(np.eye(n), np.tile(weights, (n, 1))))
        rows.append((scale, weights, jac_diag))
    return rows


# ================================================================ the diagrams
def three_views(layout):
    """01: the model as a sequence model, as matrix products, as a routing graph."""
    wide = layout == "wide"
    pw, ph = (210, 300) if wide else (340, 262)
    d = Drawing(WIDE if wide else 340, 300 if wide else 3 * ph + 2 * 14)
    origins = ([(0, 0), (235, 0), (470, 0)] if wide else [(0, 0), (0, ph + 14), (0, 2 * ph + 28)])
    titles = ["1 · a next-token predictor", "2 · matrix products", "3 · a routing graph"]
    for (ox, oy), title in zip(origins, titles):
        d.rect(ox, oy, pw, ph, "panel", rx=8)
        d.text(ox + pw / 2, oy + 26, title, size=15, cls="accent", weight="600")
    words = ["the", "cat", "sat"]

    # 1: tokens -> model -> distribution
    ox, oy = origins[0]
    cx = ox + pw / 2
    base = oy + ph - 44
    for k, word in enumerate(words):
        x = cx + (k - 1) * 58
        d.box(x - 25, base, 50, 28, [word], size=14)
        d.arrow((x, base - 2), (x, base - 22))
    d.box(cx - 80, base - 82, 160, 58, [("transformer", BOLD), ("L blocks", MUTED)],
          cls="box-accent")
    d.arrow((cx, base - 84), (cx, base - 106))
    bars = [("on", 0.55), ("down", 0.8), ("up", 0.3), ("…", 0.12)]
    bar_base = base - 130
    for k, (word, p) in enumerate(bars):
        x = cx - 75 + k * 40
        d.rect(x, bar_base - 50 * p, 26, 50 * p, "bar", rx=2)
        d.text(x + 13, bar_base + 15, word, size=13, cls="muted")
    d.text(cx, bar_base - 56, "P(next | the cat sat)", size=13, cls="muted", font=MONO)

    # 2: X -> Q, K, V -> softmax(QK^T/sqrt d) V -> W_O, FFN
    ox, oy = origins[1]
    cx = ox + pw / 2
    base = oy + ph - 46
    d.box(cx - 60, base, 120, 34, [("X  (T, d_model)", M)], size=13)
    names = ["XW_Q", "XW_K", "XW_V"] if wide else ["Q = XW_Q", "K = XW_K", "V = XW_V"]
    for k, name in enumerate(names):
        x = cx + (k - 1) * (64 if wide else 100)
        d.arrow((cx + (k - 1) * 20, base - 2), (x, base - 24))
        d.box(x - 29 if wide else x - 45, base - 54, 58 if wide else 90, 30, [(name, M)],
              size=13)
    d.arrow((cx, base - 56), (cx, base - 76))
    d.box(cx - 90, base - 116, 180, 40, [("softmax(QKᵀ/√d_head) V", M)], cls="box-accent",
          size=13)
    d.arrow((cx, base - 118), (cx, base - 138))
    d.box(cx - 60, base - 168, 120, 30, [("W_O, then FFN", M)], size=13)
    if wide:
        d.text(cx, oy + 60, "fixed shapes, known", size=13, cls="muted")
        d.text(cx, oy + 76, "at every step", size=13, cls="muted")

    # 3: positions gather from themselves and the past
    ox, oy = origins[2]
    cx = ox + pw / 2
    bottom, top = oy + ph - 60, oy + (80 if wide else 62)
    xs = [cx + (k - 1) * 62 for k in range(3)]
    weights = {(0, 0): 1.0, (0, 1): 0.35, (1, 1): 0.65, (0, 2): 0.15, (1, 2): 0.55, (2, 2): 0.3}
    for (i, j), w in weights.items():
        d.path(f"M{_fmt(xs[i])},{_fmt(bottom - 14)} L{_fmt(xs[j])},{_fmt(top + 14)}",
               f"edge w{int(round(w * 4)) + 1}")
    for k, word in enumerate(words):
        d.circle(xs[k], bottom, 13, "node-link")
        d.circle(xs[k], top, 13, "node-accent")
        d.text(xs[k], bottom + 32, word, size=14, cls="ink")
    d.text(cx, oy + ph - 10 if wide else top - 22, "line width = attention weight", size=13,
           cls="muted")
    return d


def shape_map(layout):
    """01: the forward pass as a column of tensors with their shapes (the notation page's)."""
    steps = [
        ("token ids", [shape("B", "T")], "box"),
        ("embeddings X", [shape("B", "T", "d_model")], "box"),
        ("heads split", ["Q " + shape("B", "h", "T", "d_head"),
                         "K, V " + shape("B", "h_kv", "T", "d_head")], "box"),
        ("scores, weights A", [shape("B", "h", "T", "T")], "box-accent"),
        ("heads merged, W_O", [shape("B", "T", "d_model")], "box"),
        ("FFN hidden", [shape("B", "T", "d_ff")], "box"),
        ("block output X", [shape("B", "T", "d_model")], "box"),
        ("logits", [shape("B", "T", "V")], "box"),
    ]
    top, gap, line = 10, 18, 17.5  # gap: the arrow between two boxes
    heights = [30 + line * len(dims) for _, dims, _ in steps]
    d = Drawing(340, top + sum(heights) + gap * (len(steps) - 1) + 2)
    cx = 140
    ys = []
    y = top
    for k, ((name, dims, cls), height) in enumerate(zip(steps, heights)):
        ys.append(y)
        d.box(cx - 130, y, 260, height, [name] + [(dim, MONO_MUTED) for dim in dims], cls=cls,
              size=14)
        if k:
            d.arrow((cx, y - gap + 2), (cx, y - 2))
        y += height + gap
    # the block's extent (heads split to block output), drawn as a bracket on the right
    y0, y1 = ys[2] - 6, ys[6] + heights[6] + 6
    d.line((cx + 140, y0), (cx + 150, y0), (cx + 150, y1), (cx + 140, y1), cls="wire-link")
    d.text(cx + 158, (y0 + y1) / 2 - 8, "× L", size=14, cls="link", anchor="start",
           weight="600")
    d.text(cx + 158, (y0 + y1) / 2 + 10, "blocks", size=13, cls="link", anchor="start")
    return d


def tokens_to_rows(layout):
    """02: text -> characters -> ids -> rows of E -> X."""
    chars, ids = book_tokens("cat")
    vocab = book_config().vocab_size
    d = Drawing(340, 420)
    xs = [130, 190, 250]
    d.text(10, 27, "text", size=13, cls="muted", anchor="start")
    d.box(145, 8, 90, 30, [('"cat"', M)], size=15)
    d.text(10, 89, "tokens", size=13, cls="muted", anchor="start")
    d.text(10, 141, "ids", size=13, cls="muted", anchor="start")
    for x, ch, i in zip(xs, chars, ids):
        d.arrow((190, 40), (x, 68))
        d.box(x - 24, 70, 48, 28, [(repr(ch), M)], size=14)
        d.arrow((x, 100), (x, 120))
        d.box(x - 24, 122, 48, 28, [(str(i), M)], cls="box-link", size=14)
    # E drawn schematically: the picked rows and the ones around them, gaps as dots
    ex, ew, ey, row = 50, 120, 196, 20
    d.text(ex + ew / 2, ey - 12, "E " + shape("V", "d_model"), size=13, cls="ink", font=MONO)
    shown = []
    for r in sorted(set(ids) | {0, vocab - 1}):
        if shown and r > shown[-1] + 1:
            shown.append(None)
        shown.append(r)
    rows_y = {}
    y = ey
    for r in shown:
        if r is None:
            y -= 4
            d.text(ex + ew / 2, y + 14, "⋮", size=14, cls="muted")
        else:
            picked = r in ids
            d.rect(ex, y, ew, row - 2, "pick-row" if picked else "matrix", rx=2)
            d.text(ex - 8, y + 13, str(r), size=13, cls="link" if picked else "muted",
                   anchor="end", font=MONO)
            rows_y[r] = y + (row - 2) / 2
        y += row
    d.text(ex + ew / 2, y + 16, f"V = {vocab} rows", size=13, cls="muted", font=MONO)
    # X: the picked rows in token order
    xx, xw = 238, 78
    d.text(xx + xw / 2, ey - 12, "X " + shape("T", "d_model"), size=13, cls="ink", font=MONO)
    for k, i in enumerate(ids):
        y = ey + 20 + k * 30
        d.box(xx, y, xw, 24, [(f"row {i}", M)], cls="box-link", size=13, rx=2)
        d.curve_h(ex + ew + 2, rows_y[i], xx - 2, y + 12)
    d.text(xx + xw / 2, ey + 130, "T = 3", size=13, cls="muted", font=MONO)
    d.text(170, 404, "one-hot(id) · E  =  row id of E", size=13, cls="ink", font=MONO)
    return d


def rope_rotation(layout):
    """03: RoPE turns each feature pair by an angle proportional to the position."""
    d = Drawing(340, 340)
    d.text(170, 20, "one feature pair i of a query or key", size=13, cls="muted")
    cx, cy, r = 120, 160, 96
    d.line((cx - r - 10, cy), (cx + r + 10, cy), cls="axis")
    d.line((cx, cy + r + 10), (cx, cy - r - 10), cls="axis")
    d.circle(cx, cy, r, "orbit")
    theta = 0.42  # radians per position for this pair (illustrative)
    start = 0.22
    for p in range(4):
        a = start + p * theta
        x, y = cx + r * math.cos(a), cy - r * math.sin(a)
        cls = "wire-accent" if p == 3 else "wire-link"
        d.arrow((cx, cy), (x, y), cls=cls)
        d.text(cx + (r + 20) * math.cos(a), cy - (r + 20) * math.sin(a) + 5, f"m = {p}",
               size=13, cls="accent" if p == 3 else "link")
    a0, a3 = start, start + 3 * theta
    rr = 36
    d.path(f"M{_fmt(cx + rr * math.cos(a0))},{_fmt(cy - rr * math.sin(a0))} "
           f"A{rr},{rr} 0 0 0 {_fmt(cx + rr * math.cos(a3))},{_fmt(cy - rr * math.sin(a3))}",
           "wire-accent")
    d.text(cx - 6, cy - 22, "3θᵢ", size=14, cls="accent", anchor="end")
    d.lines(232, 226, ["position m", "turns pair i", "by m · θᵢ"], size=14, anchor="start")
    d.text(170, 290, "θᵢ = 10000^(−2i / d_head)", size=13, cls="muted", font=MONO)
    d.text(170, 314, "q at m and k at n are both turned:", size=14, cls="ink")
    d.text(170, 332, "q̃ · k̃ sees only the offset n − m", size=14, cls="ink")
    return d


def attention_one_query(layout):
    """04: one query scores every key, softmax, weighted sum of values; x projected 3 ways."""
    d = Drawing(340, 420)
    words = ["the", "cat", "sat"]
    cols = [140, 210, 280]
    bw = 56
    labels = [(28, "x"), (75, "k = xW_K"), (91, "v = xW_V"), (222, "softmax"),
              (300, "aⱼ · vⱼ")]
    for y, text in labels:
        d.text(4, y, text, size=13, cls="muted", anchor="start", font=MONO)
    for x, w in zip(cols, words):
        d.box(x - bw / 2, 10, bw, 28, [w], size=14)
        # each x is projected to its key k (scored below) and its value v (averaged below)
        d.arrow((x - 4, 40), (x - 14, 62), cls="wire-link")
        d.arrow((x + 4, 40), (x + 14, 62), cls="wire-link")
        d.box(x - bw / 2, 64, bw / 2 - 1, 28, [("k", M)], cls="box-link", size=14)
        d.box(x + 1, 64, bw / 2 - 1, 28, [("v", M)], cls="box", size=14)
        d.arrow((x - 14, 94), (x - 14, 120), cls="wire-link")
    # the query of "sat", projected from its x (drawn on the left)
    d.line((78, 136), (cols[-1], 136), cls="wire-accent")
    d.box(2, 121, 76, 30, [("q = xW_Q", M)], cls="box-accent", size=13)
    d.text(40, 168, "sat's query", size=13, cls="accent")
    scores = ONE_QUERY_SCORES
    weights = pycore.softmax(np.array(scores))
    for x, s in zip(cols, scores):
        d.box(x - bw / 2, 122, bw, 28, [(f"{s:.1f}", M)], cls="box-accent", size=14)
    d.text(210, 172, "scores q·k / √d_head", size=13, cls="muted", font=MONO)
    base = 246
    for x, w in zip(cols, weights):
        d.rect(x - 16, base - 58 * w, 32, 58 * w, "bar", rx=2)
        d.text(x, base - 58 * w - 6, f"{w:.2f}", size=13, cls="ink", font=MONO)
    d.line((100, base), (320, base), cls="axis")
    for x, w in zip(cols, weights):
        d.box(x - bw / 2, 282, bw, 28, [(f"{w:.2f}·v", M)], cls=heat(w * 0.5), size=13)
        d.arrow((x, 312), (210 + (x - 210) * 0.3, 352))
    d.box(130, 354, 160, 32, [("Σⱼ aⱼ vⱼ", M)], cls="box-accent", size=14)
    d.text(210, 408, "sat's output: an average of values", size=13, cls="muted")
    return d


def softmax_saturation(layout):
    """05: the same scores, scaled up, saturate the softmax and kill the gradient."""
    rows = saturation_rows()
    d = Drawing(340, 400)
    d.text(170, 20, "scores s = (" + ", ".join(f"{s:g}" for s in SATURATION_SCORES) + ")",
           size=13, cls="muted", font=MONO)
    panel_h = 170
    for k, (scale, weights, grad) in enumerate(rows):
        oy = 36 + k * (panel_h + 14)
        d.rect(0, oy, 340, panel_h, "panel", rx=8)
        title = "softmax(s)" if scale == 1 else f"softmax({scale:g}·s)"
        d.text(14, oy + 24, title, size=14, cls="accent", anchor="start", weight="600",
               font=MONO)
        d.text(326, oy + 24, "weight yᵢ", size=13, cls="ink", anchor="end")
        d.text(326, oy + 40, "slope ∂yᵢ/∂sᵢ = yᵢ(1−yᵢ)", size=13, cls="link", anchor="end")
        base = oy + panel_h - 26
        for i, (w, g) in enumerate(zip(weights, grad)):
            x = 40 + i * 72
            d.rect(x, base - 100 * w, 24, max(100 * w, 0.5), "bar", rx=2)
            d.rect(x + 26, base - 100 * g, 16, max(100 * g, 0.5), "bar-link", rx=2)
            d.text(x + 12, base - 100 * w - 6, f"{w:.2f}", size=13, cls="ink", font=MONO)
            d.text(x + 21, base + 18, f"s={SATURATION_SCORES[i]:g}", size=13, cls="muted",
                   font=MONO)
        d.line((30, base), (320, base), cls="axis")
    return d


def head_split(layout):
    """06: reshape to (B, T, h, d_head), transpose, attend per head, merge, W_O (GPT-2 small)."""
    h, dh, dm = GPT2.n_heads, GPT2.d_head, GPT2.d_model
    d = Drawing(340, 520)
    x0, width = 20, 300
    slice_w = width / h

    def bar(y, gap, label, cls_even="tint-accent", cls_odd="tint-link"):
        for k in range(h):
            x = x0 + k * slice_w
            d.rect(x + gap / 2, y, slice_w - gap, 30, cls_even if k % 2 == 0 else cls_odd, rx=2)
        d.text(170, y + 50, label, size=13, cls="ink", font=MONO)

    d.text(170, 18, "GPT-2 small: one query projection", size=13, cls="muted")
    bar(28, 0, f"XW_Q  (B, T, {dm})")
    d.arrow((170, 86), (170, 104))
    d.text(180, 99, "reshape", size=13, cls="muted", anchor="start")
    bar(108, 5, f"(B, T, {h}, {dh})  {h} slices of {dh}")
    d.arrow((170, 166), (170, 184))
    d.text(180, 179, "transpose axes 1, 2", size=13, cls="muted", anchor="start")
    # a deck of h head matrices: heads became a batch axis
    for k in range(h):
        off = (h - 1 - k)
        d.rect(116 + off * 5, 194 + off * 2, 56, 56, "tint-link" if k % 2 else "tint-accent",
               rx=3)
        d.rect(116 + off * 5, 194 + off * 2, 56, 56, "box-dashed", rx=3)
    d.text(170, 290, f"(B, {h}, T, {dh}): {h} heads side by side", size=13, cls="ink",
           font=MONO)
    d.arrow((170, 300), (170, 318))
    d.box(40, 322, 260, 44, ["each head attends on its own",
                             (f"weights (B, {h}, T, T)", MONO_MUTED)], cls="box-accent",
          size=13)
    d.arrow((170, 368), (170, 386))
    d.text(180, 381, "transpose back, reshape", size=13, cls="muted", anchor="start")
    bar(390, 0, f"merged  (B, T, {h}·{dh} = {dm})")
    d.arrow((170, 446), (170, 464))
    d.box(60, 468, 220, 44, [(f"· W_O  ({dm}, {dm})", M), ("mixes the heads", MUTED)],
          size=13)
    return d


def gqa(layout):
    """06: grouped-query attention: h query heads share h_kv key/value heads."""
    h, hkv = LLAMA.n_heads, LLAMA.n_kv_heads
    d = Drawing(340, 250)
    d.text(170, 18, f"tiny-llama: h = {h} query heads, h_kv = {hkv}", size=13, cls="muted")
    qx = [40 + k * (260 / (h - 1)) for k in range(h)]
    group = h // hkv
    kvx = [sum(qx[g * group:(g + 1) * group]) / group for g in range(hkv)]
    for k, x in enumerate(qx):
        d.box(x - 28, 36, 56, 32, [(f"Q{k + 1}", M)], cls="box-accent", size=14)
        d.line((x, 70), (kvx[k // group], 150), cls="wire-link")
    for g, x in enumerate(kvx):
        d.box(x - 52, 152, 104, 34, [(f"K{g + 1}, V{g + 1}", M)], cls="box-link", size=14)
    d.text(170, 214, f"each K/V head serves h / h_kv = {group} query heads", size=13,
           cls="ink")
    d.text(170, 234, "h_kv = h: multi-head · h_kv = 1: multi-query", size=13, cls="muted")
    return d


def _ln_block(d, ox, oy, pre):
    """One residual sublayer, pre-LN or post-LN, in a 330 x 330 frame at (ox, oy)."""
    d.rect(ox, oy, 330, 330, "panel", rx=8)
    d.text(ox + 165, oy + 26, "pre-LN (GPT-2, Llama)" if pre else "post-LN (2017 original)",
           size=15, cls="accent", weight="600")
    hx = ox + 70  # the residual highway
    bottom, top = oy + 300, oy + 52
    plus_y = oy + 110 if pre else oy + 150
    d.text(hx - 10, bottom + 14, "x_l", size=14, cls="ink", anchor="end", font=MONO)
    d.line((hx, bottom + 10), (hx, plus_y + 12), cls="wire-highway")
    d.circle(hx, plus_y, 12, "box-link")
    d.text(hx, plus_y + 5, "+", size=16, cls="link", weight="600")
    bx = ox + 130  # the branch column
    if pre:
        d.line((hx, oy + 270), (bx + 70, oy + 270), cls="wire")
        d.arrow((bx + 70, oy + 270), (bx + 70, oy + 246))
        d.box(bx + 20, oy + 212, 100, 32, ["LayerNorm"], cls="box", size=14)
        d.arrow((bx + 70, oy + 212), (bx + 70, oy + 186))
        d.box(bx, oy + 146, 140, 38, ["F: attention", ("or FFN", MUTED)], cls="box-accent",
              size=13, gap=1.1)
        d.line((bx + 70, oy + 146), (bx + 70, plus_y), cls="wire")
        d.arrow((bx + 70, plus_y), (hx + 14, plus_y))
        d.arrow((hx, plus_y - 13), (hx, top + 2), cls="wire-highway")
        d.text(hx - 10, top + 4, "x_l+1", size=14, cls="ink", anchor="end", font=MONO)
        d.text(bx + 70, oy + 292, "every wire: (B, T, d_model)", size=13, cls="muted",
               font=MONO)
        d.text(hx + 12, top + 18, "stream never normalised", size=13, cls="link",
               anchor="start")
    else:
        d.line((hx, oy + 270), (bx + 70, oy + 270), cls="wire")
        d.arrow((bx + 70, oy + 270), (bx + 70, oy + 226))
        d.box(bx, oy + 186, 140, 38, ["F: attention", ("or FFN", MUTED)], cls="box-accent",
              size=13, gap=1.1)
        d.line((bx + 70, oy + 186), (bx + 70, plus_y), cls="wire")
        d.arrow((bx + 70, plus_y), (hx + 14, plus_y))
        d.arrow((hx, plus_y - 13), (hx, oy + 122), cls="wire-highway")
        d.box(hx - 50, oy + 86, 100, 34, ["LayerNorm"], cls="box", size=14)
        d.arrow((hx, oy + 85), (hx, top + 2), cls="wire-highway")
        d.text(hx - 10, top + 4, "x_l+1", size=14, cls="ink", anchor="end", font=MONO)
        d.text(bx + 70, oy + 292, "every wire: (B, T, d_model)", size=13, cls="muted",
               font=MONO)
        d.text(hx + 60, oy + 108, "every layer renormalises", size=13, cls="link",
               anchor="start")


def pre_post_ln(layout):
    """07: pre-LN beside post-LN, the residual highway drawn thick."""
    if layout == "wide":
        d = Drawing(WIDE, 330)
        _ln_block(d, 0, 0, pre=True)
        _ln_block(d, 350, 0, pre=False)
    else:
        d = Drawing(330, 674)
        _ln_block(d, 0, 0, pre=True)
        _ln_block(d, 0, 344, pre=False)
    return d


def full_block(layout):
    """08: a pre-LN block with the FFN's expand, activate, contract (GPT-2 small sizes)."""
    dm, dff, h = GPT2.d_model, GPT2.d_ff, GPT2.n_heads
    d = Drawing(340, 600)
    hx = 40
    d.text(hx, 592, "x", size=14, cls="ink", font=MONO)
    d.text(hx + 14, 592, f"(B, T, {dm})", size=13, cls="muted", anchor="start", font=MONO)
    d.line((hx, 574), (hx, 432), cls="wire-highway")
    d.line((hx, 552), (200, 552), cls="wire")
    d.arrow((200, 552), (200, 534))
    d.box(150, 504, 100, 30, ["LN₁"], size=14)
    d.arrow((200, 504), (200, 484))
    d.box(100, 440, 200, 44, ["multi-head attention", (f"{h} heads", MUTED)],
          cls="box-link", size=14, gap=1.1)
    d.line((200, 440), (200, 420), (hx + 13, 420), cls="wire")
    d.arrow((hx + 20, 420), (hx + 13, 420))
    d.circle(hx, 420, 12, "box-link")
    d.text(hx, 425, "+", size=16, cls="link", weight="600")
    d.line((hx, 408), (hx, 56), cls="wire-highway")
    d.text(hx + 10, 400, "h", size=14, cls="ink", anchor="start", font=MONO)
    # the FFN
    d.line((hx, 388), (200, 388), cls="wire")
    d.arrow((200, 388), (200, 370))
    d.box(150, 340, 100, 30, ["LN₂"], size=14)
    d.arrow((200, 340), (200, 322))
    d.rect(78, 96, 252, 224, "box-dashed", rx=8)
    d.text(318, 114, "FFN", size=14, cls="accent", anchor="end", weight="600")
    d.box(164, 286, 72, 34, [(f"{dm}", M)], size=14)
    d.arrow((200, 284), (200, 266))
    d.text(96, 280, "expand", size=13, cls="muted", anchor="start")
    d.box(88, 226, 224, 38, [(f"· W₁ + b₁   → {dff}", M)], cls="box-accent", size=14)
    d.arrow((200, 224), (200, 206))
    d.box(88, 170, 224, 34, ["GELU, one feature at a time"], cls="box-accent", size=13)
    d.arrow((200, 168), (200, 150))
    d.text(96, 161, "contract", size=13, cls="muted", anchor="start")
    d.box(130, 104, 140, 38, [(f"· W₂ + b₂ → {dm}", M)], size=13)
    d.line((200, 102), (200, 76), (hx + 13, 76), cls="wire")
    d.arrow((hx + 20, 76), (hx + 13, 76))
    d.circle(hx, 76, 12, "box-link")
    d.text(hx, 81, "+", size=16, cls="link", weight="600")
    d.arrow((hx, 64), (hx, 30), cls="wire-highway")
    d.text(hx, 20, "y", size=14, cls="ink", font=MONO)
    d.text(hx + 14, 20, f"(B, T, {dm})", size=13, cls="muted", anchor="start", font=MONO)
    return d


def decoder_stack(layout):
    """09: the decoder stack, and the causal mask every block applies."""
    d = Drawing(340, 450)
    cx, bw = 84, 150
    steps = [(410, "ids  (B, T)", "box"), (330, "E[ids] (+ positions)", "box"),
             (262, "block 1", "box-accent"), (202, "block 2", "box-accent"),
             (122, "block L", "box-accent"), (62, "LN, · Eᵀ", "box"),
             (4, "logits  (B, T, V)", "box")]
    for y, label, cls in steps:
        d.box(cx - bw / 2, y, bw, 34, [(label, M) if "(B" in label else label], cls=cls, size=13)
    for (y0, _, _), (y1, _, _) in zip(steps, steps[1:]):
        if y0 - y1 > 70 and y1 < 300:
            d.text(cx, (y0 + y1 + 34) / 2 + 6, "⋮", size=16, cls="muted")
            continue
        d.arrow((cx, y0 - 1), (cx, y1 + 36))
    d.text(cx + 8, 396, "→ (B, T, d_model)", size=13, cls="muted", font=MONO, anchor="start")
    # the causal mask
    n, cell, gap = 5, 22, 3
    mx, my = 190, 150
    mid = mx + (n * (cell + gap)) / 2
    d.text(mid, my - 48, "causal mask", size=14, cls="accent", weight="600")
    d.text(mid, my - 28, "in every block", size=13, cls="muted")
    d.text(mid, my - 8, "key s →", size=13, cls="muted")
    for t in range(n):
        for s_ in range(n):
            cls = "heat-5" if s_ <= t else "masked"
            d.rect(mx + s_ * (cell + gap), my + t * (cell + gap), cell, cell, cls, rx=2)
    d.lines(mid, my + n * (cell + gap) + 40,
            ["row t sees s ≤ t", ("dashed: −∞, weight 0", MUTED)], size=13)
    d.line((cx + bw / 2 + 4, 230), (mx - 8, my + 60), cls="wire-dashed")
    d.text(mx - 6, my + 16, "t ↓", size=13, cls="muted", anchor="end")
    return d


def _mask_grid(d, x, y, causal, n=4, cell=16, gap=3, cls="heat-5"):
    for t in range(n):
        for s_ in range(n):
            visible = s_ <= t or not causal
            d.rect(x + s_ * (cell + gap), y + t * (cell + gap), cell, cell,
                   cls if visible else "masked", rx=2)


def three_families(layout):
    """09: decoder-only, encoder-only and encoder-decoder side by side."""
    wide = layout == "wide"
    pw, ph = (220, 222) if wide else (340, 184)
    heights = [ph] * 3 if wide else [126, 126, 196]
    tops = [0, 0, 0] if wide else [0, 138, 276]
    d = Drawing(WIDE if wide else 340, ph if wide else tops[-1] + heights[-1])
    panels = [
        ("decoder-only", "GPT, this book's model", [True],
         ["sees the past only", "predicts the next token"]),
        ("encoder-only", "BERT", [False], ["sees the whole text", "fills in masked tokens"]),
        ("encoder-decoder", "T5, the 2017 original", [False, True],
         ["encoder sees all; decoder", "sees its past + the source"]),
    ]
    grid_w = 4 * 19 - 3
    for k, (title, examples, masks, notes) in enumerate(panels):
        ox, oy = (k * 230, 0) if wide else (0, tops[k])
        d.rect(ox, oy, pw, heights[k], "panel", rx=8)
        cx = ox + pw / 2
        if wide:
            d.text(cx, oy + 26, title, size=15, cls="accent", weight="600")
            gx = [cx - grid_w / 2] if len(masks) == 1 else [cx - grid_w - 14, cx + 14]
            gy, tx, ty, anchor = oy + 46, cx, oy + 156, "middle"
        else:
            d.text(ox + 16, oy + 26, title, size=15, cls="accent", weight="600",
                   anchor="start")
            gx = [ox + 16] if len(masks) == 1 else [ox + 16, ox + 16 + grid_w + 30]
            gy, ty, anchor = oy + 42, oy + 62, "start"
            tx = gx[-1] + grid_w + 18
        for x, causal in zip(gx, masks):
            _mask_grid(d, x, gy, causal)
        if len(masks) == 2:
            d.arrow((gx[0] + grid_w + 3, gy + grid_w / 2), (gx[1] - 4, gy + grid_w / 2),
                    cls="wire-link")
        if not wide and len(masks) == 2:
            tx, ty = ox + 16, gy + grid_w + 22
        for j, note in enumerate(notes):
            d.text(tx, ty + j * 19, note, size=13, cls="ink", anchor=anchor)
        d.text(tx, ty + len(notes) * 19 + 8, "e.g. " + examples, size=13, cls="muted",
               anchor=anchor)
    return d


def cross_attention(layout):
    """10: the encoder-decoder, where cross-attention takes Q and where K and V."""
    d = Drawing(340, 470)
    ex, dx, bw = 70, 265, 130
    d.text(ex, 20, "encoder", size=15, cls="accent", weight="600")
    d.text(dx, 20, "decoder", size=15, cls="accent", weight="600")
    # encoder column
    d.box(ex - 60, 424, 120, 32, ["source ids"], size=13)
    d.arrow((ex, 422), (ex, 398))
    d.box(ex - 65, 330, bw, 66, ["self-attention", ("no mask, + FFN", MUTED),
                                 ("× L blocks", MUTED)], cls="box", size=13, gap=1.15)
    d.arrow((ex, 328), (ex, 300))
    d.box(ex - 65, 238, bw, 60, ["encoder output M", ("(B, S, d_model)", MONO_MUTED)],
          cls="box-link", size=13)
    # decoder column
    d.box(dx - 60, 424, 120, 32, ["target so far"], size=13)
    d.arrow((dx, 422), (dx, 398))
    d.box(dx - 65, 350, bw, 46, ["self-attention", ("causal mask", MUTED)], size=13,
          gap=1.1)
    d.arrow((dx, 348), (dx, 300), cls="wire-accent")
    d.text(dx + 8, 330, "Q", size=14, cls="accent", anchor="start", weight="600", font=MONO)
    d.box(dx - 65, 238, bw, 60, ["cross-attention", ("A (B, h, T, S)", MONO_MUTED)],
          cls="box-accent", size=13)
    d.arrow((ex + 65, 268), (dx - 67, 268), cls="wire-link")
    d.text((ex + dx) / 2, 259, "K, V", size=14, cls="link", weight="600", font=MONO)
    d.arrow((dx, 236), (dx, 206))
    d.box(dx - 65, 160, bw, 44, ["FFN"], size=13)
    d.arrow((dx, 158), (dx, 128))
    d.box(dx - 65, 84, bw, 42, [("logits (B, T, V)", M)], size=13)
    d.text(dx, 70, "(self, cross, FFN) × L", size=13, cls="muted")
    d.lines(ex, 140, [("Q: from the decoder,", {"cls": "accent"}),
                      ("what the target", {"cls": "accent"}), ("needs next", {"cls": "accent"}),
                      "", ("K, V: from the", {"cls": "link"}),
                      ("encoder, what the", {"cls": "link"}), ("source offers", {"cls": "link"})],
            size=13, gap=1.2)
    return d


def decoding_loop(layout):
    """11: the decoding loop: forward, last logits, sample, append, repeat."""
    d = Drawing(340, 430)
    cx, bw = 150, 230
    steps = [
        (20, 38, [("ids so far  (B, T)", M)], "box-link"),
        (92, 38, ["model forward pass"], "box"),
        (164, 38, [("last logits  (B, V)", M)], "box"),
        (236, 50, ["÷ temperature, top-k / top-p", ("mask the rest, softmax", MUTED)], "box"),
        (320, 50, ["pick one id per row", ("greedy, sample or beam", MUTED)], "box-accent"),
    ]
    for y, hgt, lines, cls in steps:
        d.box(cx - bw / 2, y, bw, hgt, lines, cls=cls, size=13, gap=1.15)
    for (y0, h0, _, _), (y1, _, _, _) in zip(steps, steps[1:]):
        d.arrow((cx, y0 + h0 + 1), (cx, y1 - 2))
    right = cx + bw / 2 + 36
    d.line((cx, 372), (cx, 396), (right, 396), (right, 39), cls="wire-accent")
    d.arrow((right, 39), (cx + bw / 2 + 2, 39), cls="wire-accent")
    d.text(right, 418, "append it, repeat", size=13, cls="accent", anchor="end")
    return d


def training_step(layout):
    """12: one training step: forward, loss, backward, AdamW update."""
    d = Drawing(340, 470)
    cx, bw = 140, 240
    d.box(cx - bw / 2, 10, bw, 48, [("ids (B, T)", M), ("targets: the ids shifted by one", MUTED)],
          size=13)
    d.arrow((cx, 60), (cx, 84))
    d.box(cx - bw / 2, 86, bw, 38, ["forward pass with weights θ"], cls="box", size=13)
    d.arrow((cx, 126), (cx, 150))
    d.box(cx - bw / 2, 152, bw, 38, [("logits (B, T, V)", M)], size=13)
    d.arrow((cx, 192), (cx, 216))
    d.box(cx - bw / 2, 218, bw, 48, ["cross-entropy loss", ("one number", MUTED)],
          cls="box-accent", size=13)
    d.arrow((cx, 268), (cx, 292), cls="wire-accent")
    d.box(cx - bw / 2, 294, bw, 48, ["backward pass", ("the gradient g of every weight", MUTED)],
          cls="box-accent", size=13)
    d.arrow((cx, 344), (cx, 368), cls="wire-accent")
    d.box(cx - bw / 2, 370, bw, 60, ["AdamW update", ("averages of g and g², then", MUTED),
                                     ("θ ← θ − η · (step + λθ)", MONO_MUTED)],
          cls="box-link", size=13, gap=1.15)
    right = cx + bw / 2 + 30
    d.line((cx + bw / 2, 400), (right, 400), (right, 105), cls="wire-link")
    d.arrow((right, 105), (cx + bw / 2 + 2, 105), cls="wire-link")
    d.text(cx, 458, "repeat with the next batch", size=13, cls="muted")
    return d


def kv_cache(layout):
    """13: KV cache growth: each step adds one key and value; one query reads them all."""
    d = Drawing(340, 330)
    cell, gap, x0 = 26, 4, 70
    d.text(170, 20, "keys and values cached, per layer and head", size=13, cls="muted")
    for step in range(1, 6):
        y = 36 + (step - 1) * (cell + 20)
        d.text(8, y + 18, f"t = {step}", size=13, cls="ink", anchor="start", font=MONO)
        for j in range(step):
            new = j == step - 1
            d.rect(x0 + j * (cell + gap), y, cell, cell, "box-accent" if new else "tint-link",
                   rx=3)
        if step == 5:
            d.text(x0 + step * (cell + gap) + 6, y + 18, "← new k, v", size=13, cls="accent",
                   anchor="start")
    d.text(170, 282, "one new query reads all S cached keys:", size=13, cls="ink")
    d.text(170, 300, "memory and work per token grow with S", size=13, cls="ink")
    d.text(170, 322, "bytes = 2 · L · h_kv · d_head · S · b", size=13, cls="muted", font=MONO)
    return d


def flash_tiles(layout):
    """13: FlashAttention walks the key tiles with a running max and sum."""
    d = Drawing(340, 400)
    n, cell = 4, 44
    gx, gy = 110, 64
    mid = gx + n * cell / 2
    d.text(170, 20, "scores (T, S) are never stored whole", size=13, cls="muted")
    d.text(mid, 52, "key/value tiles →", size=13, cls="link")
    d.text(gx - 10, gy + cell + 22, "one query", size=13, cls="accent", anchor="end")
    d.text(gx - 10, gy + cell + 38, "tile", size=13, cls="accent", anchor="end")
    for i in range(n):
        for j in range(n):
            cls = "box-quiet"
            if i == 1:
                cls = "heat-3" if j < 2 else ("box-accent" if j == 2 else "box-quiet")
            d.rect(gx + j * cell + 2, gy + i * cell + 2, cell - 4, cell - 4, cls, rx=3)
    d.text(gx + 2.5 * cell, gy + 1.5 * cell + 5, "now", size=13, cls="accent", weight="600")
    d.text(gx + 1 * cell, gy + 4 * cell + 22, "done: folded into m, ℓ, O", size=13,
           cls="muted")
    d.lines(170, 330, [("after each tile, per query row:", {"cls": "ink"}),
                       ("m ← max(m, max of tile)", M),
                       ("ℓ ← ℓ·e^(m_old−m) + Σ e^(s−m)", M),
                       ("O ← O·e^(m_old−m) + e^(s−m) V", M),
                       ("finally O / ℓ: the exact softmax", {"cls": "muted"})],
            size=13, gap=1.3)
    return d


class TreeLM:
    """A toy next-word model for the beam-search diagram: ``BEAM_TREE`` as a DecoderLM-like
    object, so that ``pycore.beam_search`` decides what the diagram keeps and
    ``pycore.sequence_log_prob`` gives the totals it writes."""

    WORDS = ["the", "cat", "dog", "a", ".", "sat", "ran"]
    TREE = {  # prefix after "the" -> P(next word); every listed distribution sums to 1
        (): {"cat": 0.5, "dog": 0.4, "a": 0.1},
        ("cat",): {".": 0.6, "sat": 0.4},
        ("dog",): {"sat": 0.9, "ran": 0.1},
        ("a",): {"cat": 0.5, "dog": 0.5},
    }

    def __init__(self):
        self.config = TransformerConfig(vocab_size=len(self.WORDS), d_model=8, n_heads=1,
                                        n_layers=1, d_ff=8, max_len=8)

    def ids(self, *words):
        return np.array([self.WORDS.index(w) for w in ("the",) + words], dtype=np.int64)

    def forward(self, ids):
        ids = np.asarray(ids)  # (B, T)
        logits = np.full(ids.shape + (len(self.WORDS),), math.log(1e-9))  # (B, T, V)
        for b in range(ids.shape[0]):
            for t in range(ids.shape[1]):
                prefix = tuple(self.WORDS[i] for i in ids[b, 1:t + 1])
                for word, p in self.TREE.get(prefix, {}).items():
                    logits[b, t, self.WORDS.index(word)] = math.log(p)
        return logits

    def new_cache(self):
        raise NotImplementedError("TreeLM is only searched with pycore.beam_search")


BEAM_WIDTH = 2


def beam_tree():
    """[(step, words, parent words, total log-probability, kept)] of the drawn tree."""
    model = TreeLM()
    nodes = []
    for step in (1, 2):
        kept = {tuple(model.WORDS[i] for i in hyp.ids[1:])
                for hyp in pycore.beam_search(model, model.ids(), BEAM_WIDTH, step)}
        parents = [()] if step == 1 else [n[1] for n in nodes if n[0] == 1 and n[4]]
        for parent in parents:
            for word in model.TREE[parent]:
                words = parent + (word,)
                total = pycore.sequence_log_prob(model, model.ids(*words)[None], 1)
                nodes.append((step, words, parent, total, words in kept))
    return nodes


def beam_search(layout):
    """11: a width-2 beam over two steps: a weaker first token can win on the total."""
    d = Drawing(340, 340)
    d.box(144, 8, 80, 30, [('"the"', M)], size=14)
    nodes = beam_tree()
    level1 = [n for n in nodes if n[0] == 1]
    level2 = [n for n in nodes if n[0] == 2]
    xs = {n[1]: x for n, x in zip(level1, [84, 184, 284])}
    xs.update({n[1]: x for n, x in zip(level2, [44, 110, 170, 232])})
    for step, words, parent, total, kept in nodes:
        x, (top, w) = xs[words], ((86, 60) if step == 1 else (176, 52))
        x0, y0 = (184, 40) if step == 1 else (xs[parent], 134)
        d.arrow((x0, y0), (x, top - 2), cls="wire" if kept else "wire-dashed")
        style = {"cls": "ink" if kept else "muted"}
        if step == 1:  # the total inside the box: the wires to step 2 leave from below
            d.box(x - w / 2, top, w, 46, [(words[-1], style),
                                         (f"{total:.2f}".replace("-", "−"), MONO_MUTED)],
                  cls="box-accent" if kept else "box-dashed", size=14, gap=1.1)
        else:
            d.box(x - w / 2, top, w, 30, [(words[-1], style)],
                  cls="box-accent" if kept else "box-dashed", size=14)
            d.text(x, top + 48, f"{total:.2f}".replace("-", "−"), size=13, cls="muted",
                   font=MONO)
    d.text(4, 114, "step 1", size=13, cls="muted", anchor="start")
    d.text(268, 196, "step 2", size=13, cls="muted", anchor="start")
    d.lines(170, 280, [f"width {BEAM_WIDTH}: after each step keep the {BEAM_WIDTH} prefixes",
                       "with the highest total log-probability",
                       ("(the number under each word) · dashed: dropped", MUTED)],
            size=13, gap=1.3)
    return d


def training_pipeline(layout):
    """12: pretraining, then supervised fine-tuning, then preference tuning."""
    d = Drawing(340, 340)
    stages = [
        ("1 · pretraining", ["raw text, most of the compute",
                             "loss: next token, every position"]),
        ("2 · supervised fine-tuning", ["(prompt, answer) pairs written",
                                        "loss: the answer tokens only"]),
        ("3 · preference tuning", ["answers people ranked", "RLHF: reward model + PPO, KL",
                                    "DPO: one loss on ranked pairs"]),
    ]
    y = 8
    for k, (title, notes) in enumerate(stages):
        hgt = 34 + 19 * len(notes)
        d.rect(10, y, 320, hgt, "box-accent" if k == 0 else "box", rx=6)
        d.text(24, y + 24, title, size=14, cls="accent", anchor="start", weight="600")
        for j, note in enumerate(notes):
            d.text(24, y + 46 + j * 19, note, size=13, cls="ink", anchor="start")
        y += hgt
        if k < 2:
            d.arrow((170, y + 2), (170, y + 26))
            y += 28
    d.text(170, y + 26, "a text predictor becomes an assistant", size=13, cls="muted")
    return d


def speculative(layout):
    """13: a cheap draft proposes tokens; one target call verifies them all."""
    d = Drawing(340, 330)
    xs = [70, 140, 210, 280]
    d.text(8, 24, "draft model q, one token at a time (cheap)", size=13, cls="link",
           anchor="start")
    for k, x in enumerate(xs):
        d.box(x - 28, 36, 56, 30, [(f"x{'₁₂₃₄'[k]}", M)], cls="box-link", size=14)
        if k:
            d.arrow((xs[k - 1] + 28, 51), (x - 29, 51), cls="wire-link")
    d.rect(20, 92, 300, 40, "box-accent", rx=6)
    d.text(170, 117, "target p: all positions in one call", size=13, cls="ink")
    for x in xs:
        d.arrow((x, 68), (x, 90))
    marks = [("keep", "accent"), ("keep", "accent"), ("reject", "muted"), ("drop", "muted")]
    for x, (mark, cls) in zip(xs, marks):
        d.arrow((x, 134), (x, 156), cls="wire" if cls == "muted" else "wire-accent")
        d.text(x, 176, mark, size=13, cls=cls, weight="600" if cls == "accent" else None)
    d.box(xs[2] - 34, 198, 68, 30, [("from r", M)], cls="box-accent", size=13)
    d.arrow((xs[2], 182), (xs[2], 196), cls="wire-accent")
    d.lines(170, 278, ["keep x with probability min(1, p(x)/q(x));",
                       "at the first rejection draw from the",
                       "residual r and start the next round"], size=13, gap=1.3)
    return d


def paged_blocks(layout):
    """13: PagedAttention: each sequence's cache in fixed blocks, placed anywhere."""
    d = Drawing(340, 340)
    d.text(8, 22, "block tables", size=13, cls="muted", anchor="start")
    d.text(332, 22, "GPU memory: physical blocks", size=13, cls="muted", anchor="end")
    seqs = [("seq A", [1, 4, 6], "tint-accent"), ("seq B", [1, 3], "tint-link")]
    cell = 38
    px, py = 160, 36  # the physical grid: 4 x 2 blocks
    slots = {}
    for i in range(8):
        x, y = px + (i % 4) * (cell + 6), py + (i // 4) * (cell + 6)
        slots[i] = (x, y)
    used = {1: "heat-4", 4: "tint-accent", 6: "tint-accent", 3: "tint-link"}
    for i, (x, y) in slots.items():
        d.rect(x, y, cell, cell, used.get(i, "box-quiet"), rx=3)
        d.text(x + cell / 2, y + cell / 2 + 5, str(i), size=13, cls="ink" if i in used else
               "muted", font=MONO)
    ly = 150
    for k, (name, blocks, cls) in enumerate(seqs):
        y = ly + k * 64
        d.text(8, y + 20, name, size=13, cls="ink", anchor="start", weight="600")
        for j, b in enumerate(blocks):
            x = 60 + j * 44
            d.rect(x, y, 38, 30, "heat-4" if b == 1 else cls, rx=3)
            d.text(x + 19, y + 20, f"→{b}", size=13, cls="ink", font=MONO)
    d.lines(170, 300, ["blocks are allocated as tokens arrive;",
                       "A and B share block 1, their common prefix"], size=13, gap=1.3)
    return d


# ---------------------------------------------------------------- registry
@dataclass
class Diagram:
    name: str  # "NN/slug"
    title: str
    desc: str
    caption: str
    draw: Callable[[str], Drawing]
    narrow: bool = False  # True: draw("wide") and draw("narrow"); False: one layout


DIAGRAMS = [
    Diagram(
        "01/three-views", "Three views of one transformer",
        "Three panels. First, a next-token predictor: the tokens the, cat, sat go into the "
        "transformer of L blocks, which outputs a probability for each possible next token. "
        "Second, the same model as matrix products: X of shape (T, d_model) is projected to "
        "Q, K and V, combined as softmax of Q K transpose over the square root of d_head, "
        "times V, then W_O and the feed-forward network. Third, a routing graph: each "
        "position gathers from itself and the earlier positions, the line width showing the "
        "attention weight.",
        "One model, three readings: a function from tokens to a next-token distribution, a "
        "fixed sequence of matrix products, and a graph in which each position reads from "
        "itself and the past.",
        three_views, narrow=True,
    ),
    Diagram(
        "01/shape-map", "The shape of every tensor in a forward pass",
        "A column of boxes from token ids (B, T) to embeddings (B, T, d_model), queries with "
        "heads split (B, h, T, d_head) and keys and values (B, h_kv, T, d_head), h_kv = h "
        "unless the key/value heads are shared, scores and weights "
        "(B, h, T, T), heads merged and projected by W_O back to (B, T, d_model), the "
        "feed-forward hidden layer (B, T, d_ff), the block output (B, T, d_model) and the "
        "logits (B, T, V). A bracket marks the part repeated in each of the L blocks.",
        "Only the scores have two T axes; everything between embedding and logits returns to "
        "(B, T, d_model), which is why blocks stack.",
        shape_map,
    ),
    Diagram(
        "02/tokens-to-rows", "From text to rows of the embedding matrix",
        "The text \"cat\" is split into the characters c, a and t by the book's character "
        "tokenizer, each character gets its integer id, and each id selects one row of the "
        "embedding matrix E of shape (V, d_model). Multiplying a one-hot vector by E gives "
        "the same row. The three rows stacked form X of shape (T, d_model) with T = 3.",
        "An id is just a row number: the one-hot product and the row lookup pick the same row "
        "of E.",
        tokens_to_rows,
    ),
    Diagram(
        "03/rope-rotation", "RoPE rotates each feature pair by a position-dependent angle",
        "A circle with four arrows for one feature pair of a query or key, at positions m = 0, "
        "1, 2 and 3. Each step in position turns the pair by the same angle theta_i, so the "
        "vector at position 3 is turned by 3 theta_i. Because a query at m and a key at n are "
        "both turned, their dot product depends only on the signed offset n - m.",
        "Each position turns every feature pair a little further; the dot product of a query "
        "and a key sees only the angle between them, so only the signed offset n − m of "
        "their positions.",
        rope_rotation,
    ),
    Diagram(
        "04/attention-one-query", "One query attends to every key",
        "The tokens the, cat and sat are each projected to a key k and a value v. The query "
        "of sat is compared by dot product with each key, giving scaled scores "
        f"{_and(ONE_QUERY_SCORES, '.1f')}. A softmax turns the scores into weights "
        f"{_and(pycore.softmax(np.array(ONE_QUERY_SCORES)), '.2f')}, positive and summing to "
        "one, drawn as bars. The output for sat is the sum of the values weighted by these "
        "weights.",
        "One query is scored against every key; a softmax across that row of scores gives "
        "weights, and the output is the weighted average of the values.",
        attention_one_query,
    ),
    Diagram(
        "05/softmax-saturation", "What scaling the scores does to a softmax and its slope",
        f"Two bar charts of the same scores {_and(SATURATION_SCORES, 'g')}. Top: softmax of the "
        "scores gives spread-out weights y, and every weight has a useful slope y_i(1 - y_i), the "
        "diagonal of the softmax Jacobian. "
        f"Bottom: softmax of {SATURATION_SCALES[1]:g} times the scores puts almost all the "
        "weight on the largest score, and every slope y_i(1 - y_i) is close to zero, so almost no "
        "gradient flows back.",
        f"Multiply the scores by {SATURATION_SCALES[1]:g} (√d_k for GPT-2's d_k = {GPT2.d_head}, "
        "the factor the scaling removes) and the softmax saturates: one weight near 1, and "
        "every slope yᵢ(1−yᵢ) near 0.",
        softmax_saturation,
    ),
    Diagram(
        "06/head-split", "Splitting one projection into heads and merging them back",
        f"GPT-2 small's query projection X W_Q of shape (B, T, {GPT2.d_model}) is reshaped to "
        f"(B, T, {GPT2.n_heads}, {GPT2.d_head}), {GPT2.n_heads} slices of {GPT2.d_head} "
        f"features, then axes 1 and 2 are swapped to get (B, {GPT2.n_heads}, T, "
        f"{GPT2.d_head}): {GPT2.n_heads} heads side by side, a batch axis. Each head attends "
        f"on its own, giving weights (B, {GPT2.n_heads}, T, T). The head outputs are "
        f"transposed back and reshaped to (B, T, {GPT2.d_model}), then multiplied by W_O of "
        f"shape ({GPT2.n_heads * GPT2.d_head}, {GPT2.d_model}), which mixes the heads.",
        "The heads are slices of one projection, made into a batch axis by a reshape and a "
        "transpose; W_O mixes them back together.",
        head_split,
    ),
    Diagram(
        "06/gqa", "Grouped-query attention shares key/value heads",
        f"The tiny-llama preset's {LLAMA.n_heads} query heads Q1 to Q{LLAMA.n_heads} above its "
        f"{LLAMA.n_kv_heads} key/value heads; each consecutive group of "
        f"{LLAMA.n_heads // LLAMA.n_kv_heads} query heads reads one key/value head, so each "
        f"key/value head serves h / h_kv = {LLAMA.n_heads // LLAMA.n_kv_heads} query heads. "
        "With h_kv = h this is ordinary multi-head attention, with h_kv = 1 multi-query "
        "attention.",
        "Fewer key/value heads than query heads: the cache shrinks by h / h_kv while every "
        "query head keeps its own pattern.",
        gqa,
    ),
    Diagram(
        "07/pre-post-ln", "A pre-LN sublayer beside a post-LN sublayer",
        "Two panels, each with the residual stream drawn as a thick vertical line from x_l "
        "to x_l+1. Pre-LN: a branch leaves the stream, goes through LayerNorm and the "
        "sublayer F (attention or the feed-forward network), and is added back; the stream "
        "itself is never normalised. Post-LN: the branch goes through F only, is added to "
        "the stream, and the sum passes through LayerNorm, so the stream is renormalised "
        "after every layer. Tensors on the branch have shape (B, T, d_model).",
        "Same parts, different order: pre-LN leaves the residual highway untouched; post-LN "
        "puts a LayerNorm on it after every addition.",
        pre_post_ln, narrow=True,
    ),
    Diagram(
        "08/full-block", "The transformer block, with the feed-forward network opened up",
        f"A pre-LN block for GPT-2 small. The input x of shape (B, T, {GPT2.d_model}) runs up "
        "the residual stream. A branch goes through LN1 and multi-head attention with "
        f"{GPT2.n_heads} heads and is added back, giving h. A second branch goes through LN2 "
        f"and the feed-forward network: {GPT2.d_model} features are expanded by W1 to "
        f"{GPT2.d_ff}, passed through GELU one feature at a time, and contracted by W2 back to "
        f"{GPT2.d_model}, then added to give the output y of shape (B, T, {GPT2.d_model}).",
        f"Attention mixes positions; the FFN works on each position alone, widening "
        f"{GPT2.d_model} features to {GPT2.d_ff} and back.",
        full_block,
    ),
    Diagram(
        "09/decoder-stack", "The decoder stack and its causal mask",
        "Left: token ids (B, T) are embedded, with positions added unless they are rotary, "
        "into (B, T, d_model), pass through "
        "block 1, block 2 up to block L, then a final LayerNorm and the tied output "
        "projection E transposed give logits (B, T, V). Right: the causal mask used in every "
        "block, a 5 by 5 grid in which row t keeps the keys s up to t and the cells above the "
        "diagonal are masked to minus infinity.",
        "Every block applies the same lower-triangular mask, so the output at t never sees a "
        "later token.",
        decoder_stack,
    ),
    Diagram(
        "09/three-families", "Decoder-only, encoder-only and encoder-decoder",
        "Three panels, each with a small attention pattern. Decoder-only, as in GPT and this "
        "book's model: a lower-triangular pattern, each position sees the past only, trained "
        "to predict the next token. Encoder-only, as in BERT: a full pattern, every position "
        "sees the whole text, trained to fill in masked tokens. Encoder-decoder, as in T5 and "
        "the 2017 original: a full pattern for the encoder feeding a lower-triangular one for "
        "the decoder, which also reads the source through cross-attention.",
        "The block is the same in all three; what differs is the mask and which stack reads "
        "which.",
        three_families, narrow=True,
    ),
    Diagram(
        "10/cross-attention", "Where cross-attention takes its queries, keys and values",
        "Left, the encoder: source ids pass through L blocks of unmasked self-attention and "
        "feed-forward layers, giving the encoder output M of shape (B, S, d_model). Right, the "
        "decoder: the target so far passes through causal self-attention; its output "
        "supplies the queries Q of cross-attention, while the encoder output supplies the "
        "keys and values K, V. The attention weights have shape (B, h, T, S). A feed-forward "
        "layer and the output projection give logits (B, T, V).",
        "Queries come from the decoder, keys and values from the encoder: the weights are "
        "T × S, one row per target position over the source.",
        cross_attention,
    ),
    Diagram(
        "11/decoding-loop", "The decoding loop",
        "The ids so far, of shape (B, T), go through a forward pass of the model; only the "
        "last position's logits, V scores per sequence, shape (B, V), are used. They are "
        "divided by the temperature, filtered by top-k or top-p, and turned into probabilities "
        "by a softmax. One id per sequence is picked, greedily, by sampling or by beam search, "
        "appended to the ids, and the loop repeats.",
        "Generation is a loop around one forward pass: only the last position's logits are "
        "used, and the chosen id is fed back in.",
        decoding_loop,
    ),
    Diagram(
        "12/training-step", "One training step",
        "A batch of ids of shape (B, T), with targets equal to the ids shifted by one, goes "
        "through a forward pass with the weights theta, giving logits (B, T, V). "
        "Cross-entropy against the targets gives one number, the loss. The backward pass gives "
        "the gradient g of every weight. AdamW keeps moving averages of g and g squared and "
        "moves theta by the learning rate eta times its step plus weight decay; the new "
        "weights are used for the next batch.",
        "Forward to one number, backward to a gradient for every weight, one AdamW step, "
        "repeat.",
        training_step,
    ),
    Diagram(
        "13/kv-cache", "The KV cache grows by one key and value per generated token",
        "Five rows for generation steps t = 1 to 5. At each step one new key and value are "
        "appended to the cache of each layer and head, so the row grows by one cell. The new "
        "query reads all S cached keys, so memory and work per token grow with S. A sequence's "
        "cache takes 2 L h_kv d_head S b bytes, b bytes per value.",
        "Each step appends one key and value and reads them all: the cache saves recomputing "
        "the past, at a memory cost linear in S.",
        kv_cache,
    ),
    Diagram(
        "13/flash-tiles", "FlashAttention's tiles and running statistics",
        "A 4 by 4 grid of tiles of the score matrix (T, S). One row of query tiles is "
        "processed: the first two key tiles are done and folded into the running maximum m, "
        "the running sum l and the output O; the third is being processed now; the fourth "
        "is still to come. After each tile, m becomes the maximum of m and the tile's "
        "maximum, l and O are rescaled by e to the power m_old minus m and the tile's terms "
        "are added. At the end O divided by l is the exact softmax-weighted output.",
        "One query tile walks the key tiles; a running max and sum, rescaled as it goes, give "
        "the exact softmax without ever storing the T × S matrix.",
        flash_tiles,
    ),
    Diagram(
        "11/beam-search", f"Beam search with width {BEAM_WIDTH}",
        "A tree grown from the prompt \"the\", each word with its prefix's total "
        "log-probability. Step 1 proposes cat, dog and a; the two best prefixes, the cat and "
        "the dog, are kept and a is dropped. Step 2 extends both kept prefixes; of the four "
        "continuations, the dog sat has the highest total and the cat followed by a full stop "
        "the second, so they are kept and the others dropped: dog was not the best first word, "
        "yet it leads the best total. Kept prefixes are drawn solid, dropped ones dashed.",
        "A beam keeps several prefixes alive, so a token that was not the best at its step "
        "can still lead the best total.",
        beam_search,
    ),
    Diagram(
        "12/pipeline", "From pretraining to preference tuning",
        "Three stages in order. Pretraining on raw text, with most of the compute, and the "
        "next-token loss at every position. Supervised fine-tuning on written prompt and "
        "answer pairs, with the loss on the answer tokens only. Preference tuning on answers "
        "people ranked: RLHF with a reward model, PPO and a KL penalty, or DPO with one loss "
        "on ranked pairs.",
        "The same network and nearly the same loss throughout; what changes is the data "
        "and which tokens are scored.",
        training_pipeline,
    ),
    Diagram(
        "13/speculative", "Speculative decoding: draft, then verify",
        "A small draft model proposes four tokens one at a time. The target model scores "
        "all four positions in a single call. The first two drafts are kept, the third is "
        "rejected and replaced by a token drawn from the residual distribution r, and the "
        "fourth is dropped; the next round starts from there. Each draft x is kept with "
        "probability min(1, p(x)/q(x)).",
        "Several cheap guesses, one expensive check: the output has exactly the target's "
        "distribution, at fewer target calls.",
        speculative,
    ),
    Diagram(
        "13/paged-attention", "PagedAttention stores the cache in blocks",
        "Right, GPU memory as eight physical blocks numbered 0 to 7. Left, two block tables. "
        "Sequence A's cache lives in blocks 1, 4 and 6, sequence B's in blocks 1 and 3: "
        "block 1 holds their common prefix and is shared. Blocks are allocated as tokens "
        "arrive, so no sequence reserves its maximum length up front.",
        "A block table maps each sequence's cache to blocks anywhere in memory; a shared "
        "prefix is stored once.",
        paged_blocks,
    ),
]


# ---------------------------------------------------------------- writing
def render(diagram):
    """{layout: svg text} of one diagram, checked for legibility."""
    ident = "itt-dg-" + diagram.name.replace("/", "-")
    layouts = ["wide", "narrow"] if diagram.narrow else ["narrow"]
    out = {}
    for layout in layouts:
        drawing = diagram.draw(layout)
        check_legible(drawing, layout, diagram.name)
        suffix = "-narrow" if layout == "narrow" and diagram.narrow else ""
        out[layout] = drawing.svg(ident + suffix, diagram.title, diagram.desc)
    return out


def files():
    """{path: text} of every SVG this script writes."""
    written = {}
    for diagram in DIAGRAMS:
        for layout, text in render(diagram).items():
            suffix = ".narrow" if layout == "narrow" and diagram.narrow else ""
            svg = text.replace(
                "<svg ", f'<svg data-caption="{html.escape(diagram.caption)}" ', 1
            )
            written[OUT / f"{diagram.name}{suffix}.svg"] = svg
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a committed SVG differs from what would be written")
    args = parser.parse_args(argv)
    stale = []
    for path, text in files().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path.relative_to(ROOT).as_posix())
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("out of date (run python scripts/diagrams.py):\n  " + "\n  ".join(stale))
        return 1
    print(f"{len(stale)} diagram file(s) {'stale' if args.check else 'written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
