"""hooks/demo_macros.py called directly: the demo HTML contract, result formatting, and the build
failing (PluginError) on an unknown demo, an unknown key or a demo that fails."""
from __future__ import annotations

import json
import re

import pytest
from mkdocs.exceptions import PluginError

from hooks import demo_macros as demos_hook

GOOD = '''\
import numpy as np
scale = 2  # @param {type: "slider", min: 1, max: 4, step: 1}
print("<img src=x onerror=alert(1)>")
result = {"weights": np.array([[0.25, 0.75], [0.5, 0.5]]) * scale / 2,
          "tricky": "</script><b>", "n": 3}
'''


def test_demo_html_follows_the_dom_contract(demo_dir):
    demo_dir("98/good", GOOD)
    markdown, placeholders = demos_hook.render_markdown('Intro.\n\n{{ demo("98/good") }}\n')
    assert len(placeholders) == 1
    (token, block), = placeholders.items()
    assert token in markdown and "{{" not in markdown
    assert block.startswith('<div class="itt-demo" data-demo="98/good" '
                            'data-notebook="demos/98-good.ipynb">')
    meta_text = re.search(
        r'<template class="itt-demo-meta"[^>]*>(.*?)</template>', block, re.S
    ).group(1)
    for character in "<>&":
        assert character not in meta_text, f"meta JSON must escape {character!r} for HTML"
    meta = json.loads(meta_text)
    assert meta["id"] == "98/good"
    assert meta["result"]["weights"] == [[0.25, 0.75], [0.5, 0.5]]
    assert meta["result"]["tricky"] == "</script><b>"
    assert meta["params"][0]["name"] == "scale" and meta["params"][0]["line"] == 1
    assert ('<pre class="itt-demo-source" tabindex="0" data-search-exclude>'
            '<code class="language-python">') in block, "the code stays out of the search index"
    assert "print(&quot;&lt;img src=x onerror=alert(1)&gt;&quot;)" in block
    assert '<div class="itt-demo-output" data-demo-output aria-live="polite">' in block
    assert "data-build-output" in block and "computed at build time (CPython)" in block
    assert "&lt;img src=x onerror=alert(1)&gt;\n</pre>" in block
    assert "<img src=x" not in block


def test_figures_become_specs_with_static_svg_caption_and_alt(demo_dir):
    demo_dir("98/figure", "import pycore as pc\n"
                          "w = [[1.0, 0.0], [0.25, 0.75]]\n"
                          "pc.figures.show(pc.figures.heatmap(w, caption='Weights </template><b>',"
                          " masked=[[False, True], [False, False]], row_labels=['<i>', 'b']))\n"
                          "result = {'ok': True}\n")
    block = demos_hook.render_demo("98/figure")
    figure = re.search(r'<figure class="itt-chart" id="itt-fig-98-figure-1"[^>]*>(.*?)</figure>',
                       block, re.S).group(1)
    spec_text = re.search(r'<template class="itt-chart-spec"[^>]*>(.*?)</template>', figure,
                          re.S).group(1)
    for character in "<>&":
        assert character not in spec_text, f"spec JSON must escape {character!r} for HTML"
    spec = json.loads(spec_text)
    assert spec["usermeta"]["itt"]["caption"] == "Weights </template><b>"
    cells = {(row["r"], row["c"]): row for row in spec["data"]["values"]}
    assert cells[(1, 0)]["value"] == 0.25 and cells[(0, 1)]["masked"] is True
    static = re.search(r'<div class="itt-chart-static" role="img" aria-label="([^"]*)">'
                       r'<img class="itt-chart-static-default" src="itt-static-figure:([^"]+)"'
                       r' alt="" width="(\d+)" height="(\d+)" loading="lazy" decoding="async">'
                       r'<img class="itt-chart-static-slate" src="itt-static-figure:([^"]+)"'
                       r' alt="" width="(\d+)" height="(\d+)" loading="lazy" decoding="async">'
                       r'</div>', figure, re.S)
    assert "Heatmap of value" in static.group(1) and "&lt;i&gt;" in static.group(1)
    assert static.group(2) == "itt-fig-98-figure-1.svg"
    assert static.group(5) == "itt-fig-98-figure-1-slate.svg"
    assert static.group(3, 4) == static.group(6, 7)
    # The same drawing in the dark palette: the theme's ink and colours for "slate".
    light, dark = (demos_hook.static_figure_files()[static.group(n)] for n in (2, 5))
    for scheme, svg in (("default", light), ("slate", dark)):
        config = demos_hook.figure_config(scheme=scheme)
        assert config["axis"]["labelColor"].lower() in svg.lower(), scheme
    assert light != dark
    # An <img> cannot use the page's fonts: a generic family follows IBM Plex.
    assert 'font-family="IBM Plex Sans, sans-serif"' in light
    assert 'font-family="IBM Plex Sans"' not in light
    # The drawing is a file of its own (on_post_build writes it), its size kept by the <img>.
    svg = demos_hook.static_figure_files()[static.group(2)]
    assert f'width="{static.group(3)}"' in svg and f'height="{static.group(4)}"' in svg
    linked = demos_hook.link_static_figures(figure, "../../assets/figures/")
    assert 'src="../../assets/figures/itt-fig-98-figure-1.svg"' in linked
    assert svg.startswith("<svg") and "<script" not in svg and "<i>" not in svg
    assert "&lt;i&gt;" in svg, "tick labels are escaped text inside the SVG"
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(name.startswith("itt-fig-98-figure-1-") for name in ids)
    assert "<figcaption>Weights &lt;/template&gt;&lt;b&gt;</figcaption>" in figure
    assert "itt-demo-figure" not in block, "no Matplotlib image"


def test_matplotlib_figures_stay_images_at_2x(demo_dir):
    demo_dir("98/mpl", "import matplotlib.pyplot as plt\nplt.figure(figsize=(2, 1))\n"
                       "plt.plot([0, 1])\nresult = {'ok': True}\n")
    block = demos_hook.render_demo("98/mpl")
    image = re.search(r"<img [^>]*>", block).group(0)
    assert 'alt="Matplotlib figure 1 drawn by the code"' in image
    assert 'src="data:image/png;base64,' in image
    width = int(re.search(r'width="(\d+)"', image).group(1))
    assert 150 <= width <= 210, "shown at 1x CSS size (about 2 in at 100 dpi, trimmed)"


def test_figure_config_reads_each_palette():
    light, dark = (demos_hook.figure_config(scheme=scheme) for scheme in ("default", "slate"))
    css = demos_hook.THEME_CSS.read_text(encoding="utf-8")
    assert light["range"]["category"][0] == demos_hook.palette(css)["--itt-chart-cat-0"]
    assert dark["range"]["category"][0] == demos_hook.palette(css, "slate")["--itt-chart-cat-0"]
    assert light["range"]["category"] != dark["range"]["category"]
    config = demos_hook.figure_config()
    assert config["background"] == "transparent" and config["font"] == "IBM Plex Sans"
    text = json.dumps(config)
    assert "var(" not in text, "every theme variable is resolved"
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in config["range"]["heatmap"])
    sizes = [value for key, value in _walk(config) if key.endswith("ontSize")]
    assert sizes and min(sizes) >= 11, "no figure text below 11 px"


def _walk(value, key=""):
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _walk(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, key)
    else:
        yield key, value


def test_result_macro_formats_the_value(demo_dir):
    demo_dir("98/good", GOOD)
    markdown, placeholders = demos_hook.render_markdown(
        'w = {{ result("98/good", "weights.0.1", ".3f") }}, '
        "n = {{ result('98/good', 'n') }}, "
        'last = {{ result("98/good", "weights.-1.0", ".1%") }}'
    )
    # Markdown sees placeholders; the values replace them in the HTML (escaped).
    assert "0.750" not in markdown and len(placeholders) == 3
    shown = demos_hook.with_results(markdown, placeholders)
    assert shown == "w = 0.750, n = 3, last = 50.0%"


def test_macros_in_code_fences_are_left_alone(demo_dir):
    text = '```markdown\n{{ demo("98/missing") }}\n{{ result("98/missing", "x") }}\n```\n'
    assert demos_hook.render_markdown(text) == (text, {})


def test_unknown_demo_fails_the_build(demo_dir):
    with pytest.raises(PluginError, match=r"line 3: unknown demo '98/nope'"):
        demos_hook.render_markdown('a\n\n{{ demo("98/nope") }}\n', "chapters/x.md")
    with pytest.raises(PluginError, match="unknown demo"):
        demos_hook.render_markdown('{{ result("98/nope", "x") }}')


def test_unknown_key_fails_the_build(demo_dir):
    demo_dir("98/good", GOOD)
    keys = r"unknown key 'weight'.*keys \['n', 'tricky', 'weights'\]"
    with pytest.raises(PluginError, match=keys):
        demos_hook.render_markdown('{{ result("98/good", "weight.0") }}')
    with pytest.raises(PluginError, match=r"unknown key '7'.*list of length 2"):
        demos_hook.render_markdown('{{ result("98/good", "weights.7") }}')
    with pytest.raises(PluginError, match="cannot format"):
        demos_hook.render_markdown('{{ result("98/good", "weights", ".3f") }}')


def test_malformed_macro_fails_the_build(demo_dir):
    demo_dir("98/good", GOOD)
    with pytest.raises(PluginError, match="cannot read this macro"):
        demos_hook.render_markdown('Text {{ demo("98/good") }} inline.')
    with pytest.raises(PluginError, match="not of the form"):
        demos_hook.render_markdown('{{ demo("good") }}')


def test_demo_that_fails_fails_the_build(demo_dir):
    demo_dir("98/broken", "x = 1\nresult = {'x': x / 0}\n")
    with pytest.raises(PluginError, match=r"(?s)failed at build time.*ZeroDivisionError"):
        demos_hook.render_markdown('{{ demo("98/broken") }}')


def test_runs_are_cached_by_content(demo_dir, tmp_path):
    path = demo_dir("98/counter", "result = {'n': 1}\n")
    assert demos_hook.format_result("98/counter", "n") == "1"
    cached = sorted((tmp_path / "cache").glob("*.json"))
    assert len(cached) == 1
    # Same content in a new build: read from the cache, not rerun (the file says 42).
    entry = json.loads(cached[0].read_text())
    entry["outcome"]["result"] = {"n": 42}
    cached[0].write_text(json.dumps(entry))
    demos_hook.on_pre_build(None)
    assert demos_hook.format_result("98/counter", "n") == "42"
    # Changed content: a new key, so the demo runs again.
    path.write_text("result = {'n': 2}\n")
    demos_hook.on_pre_build(None)
    assert demos_hook.format_result("98/counter", "n") == "2"
    assert len(list((tmp_path / "cache").glob("*.json"))) == 2
