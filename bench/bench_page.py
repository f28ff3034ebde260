"""Page-load benchmark: how fast chapter 04 becomes readable, runs Python, shows a result.

On a local static server (COOP/COEP headers on, as a configured host sends; ``--plain``
for a host without them), headless Chromium, median of ``--loads`` cold loads (fresh
browser context, so an empty cache) of chapter 04:

- text: first contentful paint (the chapter's text is readable);
- python_ready: Pyodide + NumPy + pycore loaded (``itt-python-ready`` mark);
- first_result: the first demo's live result (Run is clicked as soon as the editor exists);
- the same after an instant navigation from another chapter whose Python is already up;
- rerun p50 of the page's quickest demo over ``--reruns`` runs (page -> worker -> page);
- bytes transferred up to the first result.

All times are read from the page's own performance timeline (ms since navigation start),
so Playwright's polling does not inflate them. Writes ``bench/results/page.json`` and
prints a summary against the targets: first result <= 3 s cold, <= 0.3 s after
navigation, rerun p50 <= 50 ms.

    .venv/bin/python bench/bench_page.py            # builds the site with mkdocs first
    .venv/bin/python bench/bench_page.py --site site --loads 7
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from helpers import launch_chromium  # noqa: E402
from server import free_port, serve, sitemap_port  # noqa: E402

TARGETS = {"first_result_cold_s": 3.0, "first_result_after_navigation_s": 0.3, "rerun_p50_ms": 50.0}
CHAPTER = "chapters/04-attention/"
FROM_CHAPTER = "chapters/03-positional-encoding/"

MARK = "name => (performance.getEntriesByName(name)[0] || {}).startTime ?? null"
FCP = "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null"


def cold_load(browser, url):
    """One cold load of `url`; returns times in seconds and bytes up to the first result."""
    context = browser.new_context()
    page = context.new_page()
    transferred = []
    page.on("requestfinished", lambda request: transferred.append(_bytes(request)))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".itt-demo .cm-editor")
    first = page.locator(".itt-demo").first
    first.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(f"({MARK})('itt-demo-result') !== null", timeout=60_000)
    page.wait_for_function(f"({FCP})() !== null")
    sample = {
        "text_s": page.evaluate(FCP) / 1000,
        "python_ready_s": page.evaluate(MARK, "itt-python-ready") / 1000,
        "first_result_s": page.evaluate(MARK, "itt-demo-result") / 1000,
        "first_demo": first.get_attribute("data-demo"),
        "first_state": first.get_attribute("data-demo-state"),
        "bytes": sum(transferred),
    }
    return context, page, sample


def _bytes(request):
    sizes = request.sizes()
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


def rerun_times(page, count):
    """Rerun each demo once, pick the quickest, then time `count` reruns of it (ms)."""
    return page.evaluate(
        """async (count) => {
          const roots = [...document.querySelectorAll('.itt-demo')];
          let best = null;
          for (const root of roots) {
            const start = performance.now();
            await root.ittRun();
            const took = performance.now() - start;
            const quicker = !best || took < best.took;
            if (root.dataset.demoState === 'done' && quicker) best = {root, took};
          }
          const times = [];
          for (let i = 0; i < count; i++) {
            const start = performance.now();
            await best.root.ittRun();
            times.push(performance.now() - start);
          }
          return {demo: best.root.dataset.demo, times};
        }""",
        count,
    )


def after_navigation(browser, from_url, chapter, dwell_s=0.0):
    """Python already up on another chapter; click through to chapter 04 (instant nav).

    ``dwell_s``: seconds spent on the first page after Python is ready (a reader reading),
    during which the runtime may preload in the background.
    """
    context = browser.new_context()
    page = context.new_page()
    page.goto(from_url, wait_until="domcontentloaded")
    page.wait_for_function("window.__ittRuntime !== undefined")
    page.evaluate("window.__ittRuntime.start()")
    page.wait_for_function(f"({MARK})('itt-python-ready') !== null", timeout=60_000)
    page.wait_for_timeout(dwell_s * 1000)
    starts_before = page.evaluate("window.__ittRuntime.workerStarts")
    clicked = page.evaluate(
        """(target) => {
          const link = [...document.querySelectorAll('a[href]')]
            .find(a => new URL(a.href, location.href).pathname.endsWith(target));
          window.__ittBenchMarker = true;
          const at = performance.now();
          link.click();
          return at;
        }""",
        chapter,
    )
    page.wait_for_function(
        "target => location.pathname.endsWith(target)"
        " && document.querySelector('.itt-demo .cm-editor')",
        arg=chapter, timeout=30_000,
    )
    text_at = page.evaluate("performance.now()")
    assert page.evaluate("window.__ittBenchMarker === true"), "navigation reloaded the page"
    results_before = page.evaluate("performance.getEntriesByName('itt-demo-result').length")
    page.locator(".itt-demo").first.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "n => performance.getEntriesByName('itt-demo-result').length > n", arg=results_before,
        timeout=30_000,
    )
    result_at = page.evaluate("performance.getEntriesByName('itt-demo-result').at(-1).startTime")
    sample = {
        "text_s": (text_at - clicked) / 1000,
        "first_result_s": (result_at - clicked) / 1000,
        "worker_starts": page.evaluate("window.__ittRuntime.workerStarts") - starts_before,
    }
    context.close()
    return sample


def median(samples, key):
    return statistics.median(sample[key] for sample in samples)


def build_site(target: Path):
    """npm run build + mkdocs build, with site_url on the port the server will use."""
    subprocess.run(["npm", "run", "build", "--silent"], cwd=REPO, check=True)
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
                   "SITE_URL": f"http://127.0.0.1:{free_port()}/"}
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "mkdocs"), "build", "-q", "-d", str(target)],
        cwd=REPO, check=True, env=environment,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site to serve (default: build one)")
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--reruns", type=int, default=50)
    parser.add_argument("--plain", action="store_true", help="serve without COOP/COEP headers")
    parser.add_argument("--chapter", default=CHAPTER, help="page path under the site root")
    parser.add_argument("--from-chapter", default=FROM_CHAPTER,
                        help="page to navigate from ('' skips the navigation measurement)")
    parser.add_argument("--dwell", type=float, default=5.0,
                        help="seconds on the first page after Python is ready, before navigating")
    parser.add_argument("--output", type=Path, default=REPO / "bench" / "results" / "page.json")
    args = parser.parse_args(argv)
    if args.loads < 5:
        parser.error("--loads must be at least 5 (the median of at least 5 cold loads)")

    with tempfile.TemporaryDirectory() as scratch:
        site = args.site
        if site is None:
            site = Path(scratch) / "site"
            build_site(site)
        from playwright.sync_api import sync_playwright

        # Material's instant navigation needs the port site_url was built with.
        port = sitemap_port(site)
        with serve(site, isolated=not args.plain, port=port) as base, sync_playwright() as pw:
            browser = launch_chromium(pw)
            cold, reruns = [], None
            for _ in range(args.loads):
                context, page, sample = cold_load(browser, f"{base}/{args.chapter}")
                cold.append(sample)
                if reruns is None:
                    reruns = rerun_times(page, args.reruns)
                context.close()
            navigation = [
                after_navigation(browser, f"{base}/{args.from_chapter}", args.chapter,
                                 args.dwell)
                for _ in range(args.loads if args.from_chapter else 0)
            ]
            browser.close()

    rerun_ms = sorted(reruns["times"])
    report = {
        "page": args.chapter,
        "from_page": args.from_chapter,
        "dwell_s": args.dwell,
        "isolated": not args.plain,
        "loads": args.loads,
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            # The numbers depend on what else runs: the 1-minute load average at the end.
            "load_average_1min": os.getloadavg()[0],
        },
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cold": {
            "text_s": median(cold, "text_s"),
            "python_ready_s": median(cold, "python_ready_s"),
            "first_result_s": median(cold, "first_result_s"),
            "bytes": median(cold, "bytes"),
            "first_demo": cold[0]["first_demo"],
            "samples": cold,
        },
        "after_navigation": {
            "text_s": median(navigation, "text_s"),
            "first_result_s": median(navigation, "first_result_s"),
            "new_worker_starts": max(sample["worker_starts"] for sample in navigation),
            "samples": navigation,
        } if navigation else None,
        "rerun": {
            "demo": reruns["demo"],
            "runs": len(rerun_ms),
            "p50_ms": statistics.median(rerun_ms),
            "p90_ms": rerun_ms[int(0.9 * (len(rerun_ms) - 1))],
        },
        "targets": TARGETS,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_summary(report)
    return report


def print_summary(report):
    def verdict(value, target):
        return "ok" if value <= target else "MISSED"

    cold, nav, rerun = report["cold"], report["after_navigation"], report["rerun"]
    print(f"chapter {report['page']} (median of {report['loads']} loads, "
          f"{'isolated' if report['isolated'] else 'no COOP/COEP'}, "
          f"load average {report['machine']['load_average_1min']:.1f} on "
          f"{report['machine']['cpus']} CPUs)")
    print(f"  cold: text {cold['text_s']:.2f} s, Python ready {cold['python_ready_s']:.2f} s, "
          f"first result ({cold['first_demo']}) {cold['first_result_s']:.2f} s "
          f"[target <= {TARGETS['first_result_cold_s']} s: "
          f"{verdict(cold['first_result_s'], TARGETS['first_result_cold_s'])}], "
          f"{cold['bytes'] / 1e6:.1f} MB transferred")
    if nav is None:
        print("  after instant navigation: not measured (--from-chapter '')")
    else:
        print(f"  after instant navigation from {report['from_page']}: text {nav['text_s']:.2f} s, "
              f"first result {nav['first_result_s']:.2f} s "
              f"[target <= {TARGETS['first_result_after_navigation_s']} s: "
              f"{verdict(nav['first_result_s'], TARGETS['first_result_after_navigation_s'])}], "
              f"new worker starts {nav['new_worker_starts']}")
    print(f"  rerun of {rerun['demo']}: p50 {rerun['p50_ms']:.1f} ms, p90 {rerun['p90_ms']:.1f} ms "
          f"over {rerun['runs']} runs [target <= {TARGETS['rerun_p50_ms']} ms: "
          f"{verdict(rerun['p50_ms'], TARGETS['rerun_p50_ms'])}]")


if __name__ == "__main__":
    main()
