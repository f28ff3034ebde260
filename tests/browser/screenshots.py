"""Screenshots of pages' figures, to look at: each page at 1280 and 390 px, light and dark.

    .venv/bin/python tests/browser/screenshots.py SITE_DIR OUT_DIR chapters/04-attention/ ...

Serves SITE_DIR, opens each page, waits until its figures are drawn, runs nothing, and saves
one full-page PNG per (page, width, palette) plus the figure problems found (figure_checks).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from figure_checks import figure_problems, wait_until_drawn  # noqa: E402
from helpers import launch_chromium  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from server import serve  # noqa: E402

SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
SCHEMES = {"light": "default", "dark": "slate"}


def shoot(site: Path, out: Path, paths: list[str]) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    problems = []
    with sync_playwright() as playwright, serve(site, isolated=True) as url:
        browser = launch_chromium(playwright)
        for path in paths:
            for size_name, viewport in SIZES.items():
                for scheme_name, scheme in SCHEMES.items():
                    context = browser.new_context(viewport=viewport,
                                                  is_mobile=size_name == "390",
                                                  has_touch=size_name == "390")
                    # Material reads the palette from localStorage before the first paint.
                    index = 0 if scheme == "default" else 1
                    context.add_init_script(
                        "localStorage.setItem('/.__palette', JSON.stringify("
                        f"{{index: {index}, color: {{scheme: '{scheme}'}}}}))")
                    page = context.new_page()
                    page.goto(f"{url}/{path}")
                    page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)",
                                  scheme)
                    wait_until_drawn(page)
                    page.wait_for_timeout(800)
                    wait_until_drawn(page)
                    name = f"{path.strip('/').replace('/', '_')}-{size_name}-{scheme_name}.png"
                    page.screenshot(path=str(out / name), full_page=True)
                    figures = page.locator("figure.itt-chart")
                    for index in range(figures.count()):
                        figures.nth(index).scroll_into_view_if_needed()
                        figures.nth(index).screenshot(
                            path=str(out / name.replace(".png", f"-figure{index + 1}.png")))
                    found = figure_problems(page, dark=scheme == "slate")
                    problems += [f"{name}: {problem}" for problem in found]
                    context.close()
        browser.close()
    return problems


if __name__ == "__main__":
    site_dir, out_dir, *pages = sys.argv[1:]
    for line in shoot(Path(site_dir), Path(out_dir), pages) or ["no figure problems"]:
        print(line)
