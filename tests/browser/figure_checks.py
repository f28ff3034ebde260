"""Checks of the figures a page draws (pycore.figures specs, drawn by web/figures.js).

Used by the fixture tests (test_browser_figures.py), the built-site tests (test_site.py) and the
screenshots script; measured in the page, in CSS pixels.
"""
from __future__ import annotations

import math
import re

from helpers import ATOL, RTOL, RUN_TIMEOUT_MS

MIN_TEXT_PX = 11
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")

# Every drawn figure under `root`: problems a reader would see, as strings.
_PROBLEMS_JS = """
([root, minText, checkWhite]) => {
  const problems = [];
  const opaqueWhite = (colour) => /^(#fff(fff)?|white|rgba?\\(255, 255, 255(, 1)?\\))$/i.test(
    (colour || '').trim());
  for (const figure of root.querySelectorAll('figure.itt-chart')) {
    const name = figure.id || figure.dataset.chartKind;
    if (!figure.dataset.chartDrawn) { problems.push(`${name}: not drawn`); continue; }
    const view = figure.querySelector('.itt-chart-view');
    const box = figure.getBoundingClientRect();
    for (const svg of view.querySelectorAll('svg')) {
      const wide = svg.getBoundingClientRect();
      if (wide.width > box.width + 2) {
        problems.push(`${name}: ${Math.round(wide.width)} px wide in a `
                      + `${Math.round(box.width)} px column`);
      }
      for (const text of svg.querySelectorAll('text')) {
        if (!text.textContent.trim()) continue;
        const scale = (svg.getScreenCTM() || {a: 1}).a;
        const size = parseFloat(getComputedStyle(text).fontSize) * scale;
        if (size < minText - 0.01) {
          problems.push(`${name}: text "${text.textContent}" is ${size.toFixed(1)} px`);
        }
      }
      if (checkWhite) {
        const backgrounds = svg.querySelectorAll('rect.background, path.background');
        for (const node of [figure, view, svg, ...backgrounds]) {
          const fill = node.getAttribute && node.getAttribute('fill');
          if (opaqueWhite(getComputedStyle(node).backgroundColor) || opaqueWhite(fill)) {
            problems.push(`${name}: opaque white background on ${node.tagName}`);
          }
        }
      }
    }
    for (const table of view.querySelectorAll('table')) {
      for (const cell of table.querySelectorAll('td, th')) {
        if (parseFloat(getComputedStyle(cell).fontSize) < minText - 0.01) {
          problems.push(`${name}: table text below ${minText} px`);
          break;
        }
      }
    }
  }
  return problems;
}
"""


def figure_problems(page, root=None, dark=False):
    """What is wrong with the drawn figures under ``root`` (a Locator; default the page)."""
    handle = root.element_handle() if root is not None else page.evaluate_handle("document")
    return page.evaluate(_PROBLEMS_JS, [handle, MIN_TEXT_PX, dark])


def wait_until_drawn(page, root=None, timeout=RUN_TIMEOUT_MS):
    """Wait until every figure under ``root`` is drawn by the renderer."""
    handle = root.element_handle() if root is not None else page.evaluate_handle("document")
    page.wait_for_function(
        "root => [...root.querySelectorAll('figure.itt-chart')]"
        ".every(figure => figure.dataset.chartDrawn === 'true')",
        arg=handle, timeout=timeout)


def wait_until_settled(page, timeout=RUN_TIMEOUT_MS):
    """Wait until every figure is drawn and the page has marked its sideways-scrolling blocks.

    docs/javascripts/scroll-focus.js makes such blocks keyboard-reachable a moment after the
    content changes; axe must not look in between.
    """
    wait_until_drawn(page, timeout=timeout)
    page.wait_for_function(
        "() => !document.documentElement.hasAttribute('data-itt-scroll-pending')",
        timeout=timeout)


def wait_for_live_figures(page, root, timeout=RUN_TIMEOUT_MS):
    """Wait until the last run of demo ``root`` has drawn its figures."""
    page.wait_for_function(
        "root => { const area = root.querySelector('[data-demo-output]');"
        " return area.dataset.figuresDrawn && area.dataset.figuresDrawn === root.dataset.demoRuns"
        " || root.dataset.demoState === 'error'; }",
        arg=root.element_handle(), timeout=timeout)


def live_figures(root):
    """The figure specs of demo ``root``'s last run in the page."""
    return root.locator("[data-demo-output]").evaluate("area => area.ittOutcome.figures")


def _close_text(actual, expected):
    """Strings equal except for numbers, which agree to their printed precision."""
    if actual == expected:
        return True
    if _NUMBER.sub("#", actual) != _NUMBER.sub("#", expected):
        return False
    for left, right in zip(_NUMBER.findall(actual), _NUMBER.findall(expected)):
        digits = len(right.split(".")[1].split("e")[0]) if "." in right else 0
        a, b = float(left), float(right)
        printed = 1.01 * 10 ** -digits  # one unit in the last printed place
        if not math.isclose(a, b, rel_tol=max(RTOL, 1e-12), abs_tol=max(ATOL, printed)):
            return False
    return True


def assert_figures_close(actual, expected, where="figures"):
    """The page's figure specs equal CPython's: numbers within the result tolerance, and
    numbers printed inside strings (tooltips, cell text, alt text) to their precision."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and sorted(actual) == sorted(expected), (
            f"{where}: keys {sorted(actual) if isinstance(actual, dict) else actual!r} "
            f"!= {sorted(expected)}")
        for key in expected:
            assert_figures_close(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (
            f"{where}: length {len(actual) if isinstance(actual, list) else actual!r} "
            f"!= {len(expected)}")
        for index, (left, right) in enumerate(zip(actual, expected)):
            assert_figures_close(left, right, f"{where}[{index}]")
    elif isinstance(expected, str):
        assert isinstance(actual, str) and _close_text(actual, expected), (
            f"{where}: browser {actual!r} != CPython {expected!r}")
    elif isinstance(expected, bool) or expected is None:
        assert actual == expected, f"{where}: browser {actual!r} != CPython {expected!r}"
    else:
        assert isinstance(actual, (int, float)) and math.isclose(
            actual, expected, rel_tol=RTOL, abs_tol=ATOL), (
            f"{where}: browser {actual!r} != CPython {expected!r} (rtol {RTOL})")
