"""Every demo a page embeds is in the built page with its build-time output, and every
computed number in the prose equals what the demo computes in CPython."""
from __future__ import annotations

import json
import math
import re

import numpy
import pytest
from pages_on_disk import docs_pages
from site_html import demo_meta, page_for, parse_page, visible_text

from demos.pages import lookup, page_macros

FRESH_PRINTOPTIONS = numpy.get_printoptions()
PAGES = docs_pages()
DEMO_USES = [(page, args[0]) for page, text in PAGES for kind, args in page_macros(text)
             if kind == "demo"]
RESULT_USES = [(page, args) for page, text in PAGES for kind, args in page_macros(text)
               if kind == "result"]


def _close(left, right, rtol=1e-9, atol=1e-12):
    if isinstance(left, dict) and isinstance(right, dict):
        return sorted(left) == sorted(right) and all(_close(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_close(a, b) for a, b in zip(left, right))
    if isinstance(left, float) or isinstance(right, float):
        if not isinstance(left, (int, float)) or not isinstance(right, (int, float)):
            return False
        return math.isclose(left, right, rel_tol=rtol, abs_tol=atol)
    return left == right


def test_pages_use_demos():
    assert DEMO_USES, "no page embeds a demo"
    assert RESULT_USES, "no page uses a computed number: the prose-number test checks nothing"


@pytest.mark.parametrize("page, demo_id", DEMO_USES, ids=[f"{p}:{d}" for p, d in DEMO_USES])
def test_page_contains_demo_and_build_output(built_site, cpython_run, page, demo_id):
    parsed = parse_page(page_for(built_site, page))
    blocks = [demo for demo in parsed.demos if demo["id"] == demo_id]
    assert blocks, f"{page}: no .itt-demo[data-demo={demo_id!r}] in the built page"
    block = blocks[0]
    meta = demo_meta(block)
    assert meta["id"] == demo_id and isinstance(meta["params"], list), f"{page}: bad meta {meta}"
    assert block["build_output"], f"{page}: {demo_id} has no [data-build-output] block"
    assert "computed at build time" in block["note"].lower(), f"{page}: {demo_id} note missing"

    outcome = cpython_run(demo_id)
    assert outcome["error"] is None, f"{demo_id} fails in CPython:\n{outcome['error']}"
    assert len(block["charts"]) == len(outcome["figures"]), (
        f"{page}: {demo_id} shows {len(block['charts'])} figures, the demo draws "
        f"{len(outcome['figures'])}"
    )
    for chart, figure in zip(block["charts"], outcome["figures"]):
        figure_meta = figure["usermeta"]["itt"]
        assert chart["alt"] == figure_meta["alt"] and chart["alt"], f"{page}: {demo_id} alt text"
        assert chart["caption"] == figure_meta["caption"], f"{page}: {demo_id} caption"
        assert _close(json.loads(chart["spec"]), figure), (
            f"{page}: {demo_id}'s embedded figure differs from CPython's")
    assert len(block["images"]) == len(outcome.get("images", [])), (
        f"{page}: {demo_id} shows {len(block['images'])} Matplotlib images"
    )
    for image in block["images"]:
        assert image.get("alt"), f"{page}: a figure of {demo_id} has no alt text"
        assert image["src"].startswith("data:image/png;base64,")
    assert bool(block["outputs"]) == bool(outcome["stdout"]), (
        f"{page}: {demo_id} build output has {len(block['outputs'])} text blocks, "
        f"stdout is {outcome['stdout'][:80]!r}"
    )
    page_stdout = block["outputs"][0] if block["outputs"] else ""
    if _close(meta["result"], outcome["result"]) and page_stdout == outcome["stdout"]:
        return
    # A demo that measures time prints (or returns) something different on every run:
    # compare the page with CPython only where two CPython runs agree with each other.
    from demos import demo_path
    from demos.runner import run_demo_file

    numpy.set_printoptions(**FRESH_PRINTOPTIONS)
    again = run_demo_file(demo_path(demo_id))
    if _close(again["result"], outcome["result"]):
        assert _close(meta["result"], outcome["result"]), (
            f"{page}: {demo_id} page result {meta['result']!r} != CPython {outcome['result']!r}"
        )
    if again["stdout"] == outcome["stdout"]:
        assert page_stdout == outcome["stdout"], f"{page}: {demo_id} build-time stdout differs"


@pytest.mark.parametrize(
    "page, args", RESULT_USES, ids=[f"{p}:{a[0]}:{a[1]}" for p, a in RESULT_USES]
)
def test_prose_number_matches_demo(built_site, cpython_run, page, args):
    demo_id, dotted_path, spec = args
    outcome = cpython_run(demo_id)
    assert outcome["error"] is None, f"{demo_id} fails in CPython:\n{outcome['error']}"
    value = lookup(outcome["result"], dotted_path, demo_id)
    expected = format(value, spec)
    text = visible_text(page_for(built_site, page).read_text(encoding="utf-8"))
    assert expected in text, (
        f"{page}: {{{{ result({demo_id!r}, {dotted_path!r}, {spec!r}) }}}} should show "
        f"{expected!r}, computed by the demo in CPython"
    )


def test_no_macro_left_in_pages(built_site):
    leftovers = []
    for page, _ in PAGES:
        built = page_for(built_site, page)
        raw = built.read_text(encoding="utf-8")
        # Fenced code may show the syntax on purpose; prose may not keep an unexpanded macro.
        prose = visible_text(re.sub(r"<(pre|code)\b.*?</\1>", " ", raw, flags=re.S))
        for macro in ("{{ demo(", "{{ result("):
            if macro in prose:
                leftovers.append(f"{page}: {macro}")
    assert not leftovers, "unexpanded macros:\n" + "\n".join(leftovers)
