"""The diagrams in Chromium: light and dark, 1280 px and 390 px wide, on every page that has
one. Axe passes (contrast included), each diagram text has at least 4.5:1 contrast against
the shape it sits on and is set in IBM Plex (loaded, not a fallback), no text renders below
12 CSS px, and no diagram leaves the column
(the page as a whole may still scroll sideways for other reasons: KaTeX's hidden MathML)."""
from __future__ import annotations

import pytest
from figure_checks import wait_until_settled
from helpers import REPO

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
MIN_TEXT_PX = 12.0
MIN_CONTRAST = 4.5  # every diagram label is below 18.66 px bold / 24 px: WCAG AA body text
WIDTHS = {"desktop": 1280, "phone": 390}
SCHEMES = {"light": "default", "dark": "slate"}


def _diagram_pages():
    """Site paths of the pages that use a diagram ('' is the home page)."""
    from hooks import diagrams as hook

    pages = []
    for path in sorted((REPO / "docs").rglob("*.md")):
        _, placeholders = hook.render_markdown(path.read_text(encoding="utf-8"))
        if placeholders:
            relative = path.relative_to(REPO / "docs").as_posix()[: -len(".md")]
            pages.append("" if relative == "index" else f"{relative}/")
    return pages


PAGES = _diagram_pages()

# Measures every visible diagram on the page: its box against the column's, the smallest
# rendered text, text outside the drawing, and each text's contrast with the shape under it.
MEASURE = """
() => {
  const column = document.querySelector('.md-content__inner').getBoundingClientRect();
  const parse = (value) => {
    let m = value.match(/^rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?/);
    if (m) return [+m[1] / 255, +m[2] / 255, +m[3] / 255, m[4] === undefined ? 1 : +m[4]];
    m = value.match(/^color\\(srgb ([\\d.e-]+) ([\\d.e-]+) ([\\d.e-]+)(?: \\/ ([\\d.]+))?/);
    if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
    return null;
  };
  const luminance = ([r, g, b]) => {
    const f = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const page = parse(getComputedStyle(document.body).backgroundColor);
  const figures = [];
  for (const figure of document.querySelectorAll('figure.itt-diagram')) {
    const shown = [...figure.querySelectorAll('svg')].filter(
      (svg) => getComputedStyle(svg).display !== 'none');
    const entry = {id: figure.id, shown: shown.map((svg) => svg.getAttribute('class')),
                   problems: [], smallest: Infinity};
    const outer = figure.getBoundingClientRect();
    if (outer.left < column.left - 0.5 || outer.right > column.right + 0.5
        || figure.scrollWidth > figure.clientWidth + 0.5)
      entry.problems.push('the figure is wider than the column');
    for (const svg of shown) {
      const box = svg.getBoundingClientRect();
      const scale = box.width / svg.viewBox.baseVal.width;
      if (box.left < column.left - 0.5 || box.right > column.right + 0.5)
        entry.problems.push(`drawing ${box.left.toFixed(0)}..${box.right.toFixed(0)} outside `
                            + `the column ${column.left.toFixed(0)}..${column.right.toFixed(0)}`);
      const shapes = [...svg.querySelectorAll('rect, circle')];
      for (const text of svg.querySelectorAll('text')) {
        // IBM Plex, the book's face, loaded: not a fallback that merely measures similarly
        const family = getComputedStyle(text).fontFamily.split(',')[0].replace(/"/g, '').trim();
        if (!family.startsWith('IBM Plex'))
          entry.problems.push(`text "${text.textContent}" is set in ${family}, not IBM Plex`);
        else if (!document.fonts.check(`16px "${family}"`, text.textContent))
          entry.problems.push(`text "${text.textContent}": ${family} is not loaded`);
        const size = parseFloat(getComputedStyle(text).fontSize) * scale;
        entry.smallest = Math.min(entry.smallest, size);
        const t = text.getBoundingClientRect();
        if (t.left < box.left - 1 || t.right > box.right + 1 || t.top < box.top - 1
            || t.bottom > box.bottom + 1)
          entry.problems.push(`text "${text.textContent}" leaves the drawing`);
        // the background: the last shape drawn before the text that contains its centre
        const bb = text.getBBox();
        const cx = bb.x + bb.width / 2, cy = bb.y + bb.height / 2;
        let under = page;
        for (const shape of shapes) {
          if (shape.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_PRECEDING) continue;
          const s = shape.getBBox();
          if (cx < s.x || cx > s.x + s.width || cy < s.y || cy > s.y + s.height) continue;
          const fill = parse(getComputedStyle(shape).fill);
          if (fill && fill[3] > 0.5) under = fill;
        }
        const ink = parse(getComputedStyle(text).fill);
        if (!ink) { entry.problems.push(`text "${text.textContent}" has no colour`); continue; }
        const contrast = ratio(ink, under);
        if (contrast < MIN_CONTRAST)
          entry.problems.push(`text "${text.textContent}" contrast ${contrast.toFixed(2)}`);
      }
    }
    figures.push(entry);
  }
  return {figures};
}
""".replace("MIN_CONTRAST", str(MIN_CONTRAST))


@pytest.fixture(scope="module", params=[(w, s) for w in WIDTHS for s in SCHEMES],
                ids=lambda p: f"{p[0]}-{p[1]}")
def diagram_page(request, browser):
    width_name, scheme = request.param
    context = browser.new_context(
        viewport={"width": WIDTHS[width_name], "height": 900},
        color_scheme=scheme,  # Material picks the palette from prefers-color-scheme
    )
    page = context.new_page()
    yield page, width_name, scheme
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_diagrams_are_legible_inside_the_column_and_accessible(diagram_page, site_url, path):
    page, width_name, scheme = diagram_page
    page.goto(f"{site_url}/{path}", wait_until="load")
    page.evaluate("document.fonts.ready")
    wait_until_settled(page)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == \
        SCHEMES[scheme]
    measured = page.evaluate(MEASURE)
    figures = measured["figures"]
    assert figures, f"/{path}: no diagram rendered"
    problems = []
    for figure in figures:
        where = f"/{path} [{width_name}, {scheme}] #{figure['id']}"
        if len(figure["shown"]) != 1:
            problems.append(f"{where}: {len(figure['shown'])} layouts shown, want one")
            continue
        if width_name == "phone" and figure["shown"][0] == "itt-diagram-wide":
            problems.append(f"{where}: the wide layout is shown on a phone")
        if width_name == "desktop" and figure["shown"][0] == "itt-diagram-narrow":
            problems.append(f"{where}: the narrow layout is shown on a desktop")
        if figure["smallest"] < MIN_TEXT_PX:
            problems.append(f"{where}: text renders at {figure['smallest']:.1f} px")
        problems.extend(f"{where}: {problem}" for problem in figure["problems"])
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    for violation in violations:
        in_figure = [node["target"] for node in violation["nodes"]
                     if any("itt-diagram" in part for part in map(str, node["target"]))]
        if violation["impact"] in BLOCKING_IMPACTS or in_figure:
            targets = in_figure or [node["target"] for node in violation["nodes"][:3]]
            problems.append(f"/{path} [{width_name}, {scheme}] axe {violation['id']}: "
                            f"{violation['help']} {targets[:3]}")
    assert not problems, "\n".join(problems)
