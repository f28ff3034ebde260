"""The diagrams (docs/diagrams/, scripts/diagrams.py, hooks/diagrams.py): present in every
chapter, up to date with their generator, accessible, free of hard-coded colour, and drawing
only numbers that pycore gives."""
from __future__ import annotations

import inspect
import math
import re
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from mkdocs.exceptions import PluginError
from pages_on_disk import REPO, docs_pages

import pycore
from hooks import demo_macros as demos_hook
from hooks import diagrams as diagrams_hook
from pycore.config import TransformerConfig
from pycore.pretrained import load_pretrained

SVG = "{http://www.w3.org/2000/svg}"
DIAGRAM_DIR = REPO / "docs" / "diagrams"
SVG_FILES = sorted(DIAGRAM_DIR.glob("*/*.svg"))


def _generator():
    from scripts import diagrams

    return diagrams


generator = _generator()


def page_diagrams(text):
    """Diagram names used by a Markdown page, outside fenced code."""
    markdown, placeholders = diagrams_hook.render_markdown(text)
    return [re.search(r'id="diagram-(\d\d)-([^"]+)"', html).expand(r"\1/\2")
            for html in placeholders.values()]


# ----------------------------------------------------------------------------- presence
def test_every_chapter_has_a_diagram_and_the_book_has_sixteen():
    used = {}
    for path, text in docs_pages():
        used[path] = page_diagrams(text)
    chapters = [path for path in used if path.startswith("chapters/")]
    assert len(chapters) == 13
    bare = [path for path in chapters if not used[path]]
    assert not bare, f"chapters without a diagram: {bare}"
    distinct = {name for names in used.values() for name in names}
    assert len(distinct) >= 16, sorted(distinct)
    assert "01/three-views" in used["index.md"] and "01/three-views" in used[
        "chapters/01-big-picture.md"]


def test_every_diagram_file_is_used_and_generated():
    names = {path.relative_to(DIAGRAM_DIR).as_posix()[: -len(".svg")].replace(".narrow", "")
             for path in SVG_FILES}
    used = {name for _, text in docs_pages() for name in page_diagrams(text)}
    assert names == used, f"unused diagram files: {names - used}"
    generated = {path.resolve() for path in generator.files()}
    assert {path.resolve() for path in SVG_FILES} == generated, (
        "docs/diagrams/ holds SVGs the generator does not write (or lacks some it writes)"
    )


def test_committed_svgs_are_what_the_generator_writes():
    stale = [path.relative_to(REPO).as_posix() for path, text in generator.files().items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    assert not stale, f"run `python scripts/diagrams.py`; out of date: {stale}"


# ----------------------------------------------------------------------------- each SVG
@pytest.mark.parametrize("path", SVG_FILES, ids=lambda p: p.relative_to(DIAGRAM_DIR).as_posix())
def test_svg_is_valid_and_accessible(path):
    root = ElementTree.fromstring(path.read_text(encoding="utf-8"))
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert title is not None and title.text.strip()
    assert desc is not None and len(desc.text.strip()) > 60, "describe the whole picture"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    caption = root.get("data-caption", "")
    assert 20 < len(caption) < 220 and "\n" not in caption, "a one-line caption"
    assert re.fullmatch(r"0 0 [0-9.]+ [0-9.]+", root.get("viewBox"))
    texts = list(root.iter(SVG + "text"))
    assert texts, "a diagram with no text label"
    for text in texts:
        assert "".join(text.itertext()).strip(), "an empty <text>"
        assert float(text.get("font-size")) >= 13, ElementTree.tostring(text)


COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(")
# Every CSS named colour would be too long a list; no SVG attribute may carry a colour at all,
# so a named one cannot hide in the files either.
PAINT_ATTRIBUTES = ("fill", "stroke", "color", "stop-color", "flood-color", "lighting-color",
                    "style")


@pytest.mark.parametrize("path", SVG_FILES, ids=lambda p: p.relative_to(DIAGRAM_DIR).as_posix())
def test_svg_has_no_colour_of_its_own(path):
    text = path.read_text(encoding="utf-8")
    assert not COLOUR_LITERAL.search(text), COLOUR_LITERAL.search(text).group(0)
    root = ElementTree.fromstring(text)
    for element in root.iter():
        assert element.tag != SVG + "style", "colours belong in stylesheets/diagrams.css"
        painted = [name for name in PAINT_ATTRIBUTES if name in element.attrib]
        assert not painted, f"{element.tag} sets {painted}: use a class"
        if element.tag in (SVG + "rect", SVG + "circle", SVG + "path", SVG + "polygon",
                           SVG + "text"):
            assert element.get("class"), f"unclassed {element.tag}: it would paint black"


def test_diagram_stylesheet_takes_every_colour_from_the_theme():
    css = (REPO / "docs" / "stylesheets" / "diagrams.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not COLOUR_LITERAL.search(css), COLOUR_LITERAL.search(css).group(0)
    declarations = re.findall(r"(?<![-\w])(fill|stroke|color|background(?:-color)?)\s*:\s*([^;}]+)",
                              css)
    assert len(declarations) > 30
    for prop, value in declarations:
        rest = re.sub(r"var\(--[\w-]+\)", "", value)
        rest = re.sub(r"color-mix\(in srgb,\s*(?:\d+%)?\s*,?\s*(?:\d+%)?\s*,?\s*\)", "", rest)
        rest = re.sub(r"color-mix\(in srgb,|\d+%|[,()]", " ", rest).strip()
        assert rest in ("", "none"), f"{prop}: {value} is not a theme variable"


def test_classes_used_by_the_svgs_are_styled():
    css = (REPO / "docs" / "stylesheets" / "diagrams.css").read_text(encoding="utf-8")
    styled = set(re.findall(r"\.itt-diagram \.([\w-]+)", css))
    used = set()
    for path in SVG_FILES:
        for element in ElementTree.fromstring(path.read_text(encoding="utf-8")).iter():
            used.update((element.get("class") or "").split())
    unstyled = used - styled - {"w1", "w2", "w3", "w4", "w5"}
    assert not unstyled, f"classes without a rule in diagrams.css: {sorted(unstyled)}"


# ----------------------------------------------------------------------------- numbers
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")


def svg_numbers(name):
    """Every number written in a diagram (both layouts): its drawn text, and the title,
    description and caption a reader hears or reads under it, as strings."""
    found = set()
    for path in DIAGRAM_DIR.glob(f"{name}*.svg"):
        root = ElementTree.fromstring(path.read_text(encoding="utf-8"))
        for text in root.iter(SVG + "text"):
            found.update(NUMBER.findall("".join(text.itertext())))
        for part in ("title", "desc"):
            found.update(NUMBER.findall(root.find(SVG + part).text))
        found.update(NUMBER.findall(root.get("data-caption")))
    return found


def _numbers(*values, fmt="g"):
    return {format(value, fmt) for value in values}


GPT2 = TransformerConfig.preset("gpt2-small")
LLAMA = TransformerConfig.preset("tiny-llama")


def expected_numbers():
    """diagram -> the numbers it may draw, each from pycore or named as structure."""
    model, tokenizer = load_pretrained("lm_tiny")
    ids = tokenizer.encode("cat")
    vocab = model.config.vocab_size
    scores = np.array([1.0, 0.5, 2.0])
    weights = pycore.softmax(scores)
    sat_scores = np.array(generator.SATURATION_SCORES)
    scale = math.sqrt(GPT2.d_head)
    rope_base = inspect.signature(pycore.rope_angles).parameters["base"].default
    return {
        "01/three-views": {"1", "2", "3"},  # panel numbers
        "01/shape-map": set(),
        # the book tokenizer's ids of "cat", the first and last rows of E, V, and T = 3
        "02/tokens-to-rows": _numbers(*ids, 0, vocab - 1, vocab, len(ids), fmt="d"),
        # positions 0..3 and the turn 3θ; 10000 is pycore's RoPE base; "2" of −2i/d_head
        "03/rope-rotation": {"0", "1", "2", "3", format(rope_base, "g")},
        # the three (illustrative) scores and pycore's softmax of them
        "04/attention-one-query": _numbers(*scores, fmt=".1f") | _numbers(*weights, fmt=".2f"),
        # the scores, the scale sqrt(d_k) and d_k of GPT-2 small, pycore's softmax of both
        # rows; "0" and "1" are where a saturated weight and its slope go
        "05/softmax-saturation": (
            _numbers(*sat_scores) | _numbers(scale, GPT2.d_head) | {"0", "1"}
            | {format(w, ".2f") for k in (1.0, scale) for w in pycore.softmax(sat_scores * k)}
        ),
        # GPT-2 small's heads and widths; "1, 2" are the axes swapped
        "06/head-split": _numbers(GPT2.n_heads, GPT2.d_head, GPT2.d_model) | {"1", "2"},
        # tiny-llama's h and h_kv, their ratio; "1" is multi-query's h_kv
        "06/gqa": _numbers(LLAMA.n_heads, LLAMA.n_kv_heads, LLAMA.n_heads // LLAMA.n_kv_heads,
                           1),
        "07/pre-post-ln": {"2017", "2", "1"},  # the 2017 paper; GPT-2; x_l+1
        "08/full-block": _numbers(GPT2.d_model, GPT2.d_ff, GPT2.n_heads) | {"2"},  # GPT-2
        "09/decoder-stack": {"1", "2", "0", "5"},  # block numbers; weight 0; the 5 x 5 mask
        "09/three-families": {"2017"},  # the original paper's year
        "10/cross-attention": set(),
        "11/decoding-loop": set(),
        "12/training-step": set(),
        "13/kv-cache": {"1", "2", "3", "4", "5"},  # steps; the 2 of K and V
        "13/flash-tiles": {"4"},  # the 4 x 4 tiles
        # steps, the beam width; each drawn prefix's total log-probability under pycore
        "11/beam-search": {"1", "2"} | {format(-total, ".2f") for _, total in beam_totals()},
        "12/pipeline": {"1", "2", "3"},  # stage numbers
        "13/speculative": {"1"},  # min(1, p/q)
        "13/paged-attention": {str(i) for i in range(8)},  # physical block numbers
    }


def beam_totals():
    """[(words, total log-probability)] of the prefixes the beam-search diagram draws: every
    child of the prompt, then every child of each prefix pycore.beam_search keeps."""
    model = generator.TreeLM()
    kept = [tuple(model.WORDS[i] for i in hyp.ids[1:])
            for hyp in pycore.beam_search(model, model.ids(), generator.BEAM_WIDTH, 1)]
    drawn = [(word,) for word in model.TREE[()]]
    drawn += [parent + (word,) for parent in drawn if parent in kept
              for word in model.TREE[parent]]
    return [(words, pycore.sequence_log_prob(model, model.ids(*words)[None], 1))
            for words in drawn]


def test_beam_search_diagram_keeps_what_pycore_keeps():
    """Solid boxes are the prefixes pycore.beam_search keeps at each step, dashed the rest,
    and the caption's claim holds: the best total does not start with the best first word."""
    model = generator.TreeLM()
    drawn = [words for words, _ in beam_totals()]
    kept = set()
    for step in (1, 2):
        kept |= {tuple(model.WORDS[i] for i in hyp.ids[1:])
                 for hyp in pycore.beam_search(model, model.ids(), generator.BEAM_WIDTH, step)}
    root = ElementTree.fromstring((DIAGRAM_DIR / "11" / "beam-search.svg").read_text("utf-8"))
    boxes, elements = [], list(root)
    for k, element in enumerate(elements):
        if element.tag == SVG + "rect" and element.get("class") in ("box-accent", "box-dashed"):
            word = elements[k + 1]
            boxes.append((word.text, element.get("class") == "box-accent"))
    assert boxes == [(words[-1], words in kept) for words in drawn]
    best = pycore.beam_search(model, model.ids(), generator.BEAM_WIDTH, 2)[0]
    first_best = max(model.TREE[()], key=model.TREE[()].get)
    assert model.WORDS[best.ids[1]] != first_best


def test_numbers_in_diagrams_come_from_pycore():
    expected = expected_numbers()
    assert set(expected) == {diagram.name for diagram in generator.DIAGRAMS}
    for name, numbers in expected.items():
        assert svg_numbers(name) == numbers, f"{name}: {svg_numbers(name)} != {numbers}"


def test_gpt2_and_saturation_numbers_are_the_published_ones():
    """The presets the diagrams draw from are GPT-2 small's published shape."""
    assert (GPT2.d_model, GPT2.n_heads, GPT2.d_head, GPT2.d_ff, GPT2.vocab_size,
            GPT2.n_layers) == (768, 12, 64, 3072, 50257, 12)
    weights = pycore.softmax(np.array(generator.SATURATION_SCORES) * math.sqrt(GPT2.d_head))
    assert weights.max() > 0.99 and (weights * (1 - weights)).max() < 0.01


# ----------------------------------------------------------------------------- the hook
def test_hook_renders_a_figure_with_caption_and_both_layouts():
    markdown, placeholders = diagrams_hook.render_markdown(
        'Text.\n\n{{ diagram("07/pre-post-ln") }}\n\nMore.'
    )
    (token, figure), = placeholders.items()
    assert token in markdown and "{{" not in markdown
    assert figure.startswith('<figure class="itt-diagram" id="diagram-07-pre-post-ln">')
    assert 'class="itt-diagram-wide"' in figure and 'class="itt-diagram-narrow"' in figure
    assert "<figcaption>Same parts, different order" in figure
    assert "data-caption" not in figure
    ids = re.findall(r'\bid="([^"]+)"', figure)
    assert len(ids) == len(set(ids)), "ids must stay unique on the page"
    diagrams_hook._pending["x.md"] = placeholders
    assert diagrams_hook.on_page_content(f"<p>{token}</p>", _Page("x.md"), None, None) == figure


class _Page:
    def __init__(self, src_uri):
        self.file = type("F", (), {"src_uri": src_uri})()


def test_unknown_diagram_fails_the_build_naming_the_page():
    with pytest.raises(PluginError, match=r"chapters/04-attention\.md, line 3: unknown "
                                          r"diagram '04/no-such-thing'"):
        diagrams_hook.render_markdown('a\n\n{{ diagram("04/no-such-thing") }}\n',
                                      "chapters/04-attention.md")
    with pytest.raises(PluginError, match="not of the form"):
        diagrams_hook.render_markdown('{{ diagram("../../etc/passwd") }}', "p.md")
    with pytest.raises(PluginError, match="alone on its"):
        diagrams_hook.render_markdown('See {{ diagram("04/attention-one-query") }} here.', "p.md")


def test_fenced_macros_are_left_alone_and_the_demo_hook_ignores_diagrams():
    text = '```markdown\n{{ diagram("04/no-such-thing") }}\n```\n'
    assert diagrams_hook.render_markdown(text) == (text, {})
    line = '{{ diagram("04/attention-one-query") }}'
    assert demos_hook.render_markdown(line) == (line, {})


def test_a_broken_svg_fails_the_build(tmp_path, monkeypatch):
    (tmp_path / "98").mkdir()
    (tmp_path / "98" / "bad.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" data-caption="A caption '
        'long enough"><desc>d</desc></svg>', encoding="utf-8")
    monkeypatch.setattr(diagrams_hook, "DIAGRAM_DIR", tmp_path)
    with pytest.raises(PluginError, match="has no <title>"):
        diagrams_hook.render_diagram("98/bad")
