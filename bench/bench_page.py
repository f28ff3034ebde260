"""Page-load benchmark: how fast chapter 04 becomes readable, runs Python, shows a result.

On a local static server (COOP/COEP headers on, as a configured host sends; ``--plain``
for a host without them), headless Chromium, median of ``--loads`` cold loads (fresh
browser context, so an empty cache) of chapter 04:

- text: first contentful paint (the chapter's text is readable);
- python_ready: Pyodide + NumPy + pycore loaded (``itt-python-ready`` mark);
- first_result: the first demo's live result (Run is clicked as soon as the demo is
  enhanced, as a reader can; its editor may be built later, web/lazy-editor.js);
- the same after an instant navigation from another chapter whose Python is already up;
- rerun p50 of the page's quickest demo over ``--reruns`` runs (page -> worker -> page);
- bytes transferred up to the first result;
- figures: when the first result's figures are drawn (``itt-demo-figures`` mark), which is
  the first live result a reader sees when the first demo draws;
- the bare-runtime floor: Pyodide + NumPy ready (in a worker, as the site runs them) in an
  otherwise empty page on the same server, with Pyodide's files as npm ships them, and its
  bytes; and the ratio first live result / floor (goal <= 1.15, on <= 30 MB). The same
  empty page on the site's own copy (whose Python carries bytecode, hooks/runtime_bytecode.py)
  is measured too, to show what the page adds to its own runtime;
- the heaviest chapter (the one whose first live result fetches the most bytes, found by one
  cold load of each chapter), measured like chapter 04;
- a cold load of chapter 04 under 20 Mbit/s network emulation (Chromium's DevTools
  protocol, applied to the page and its worker).

The floor, chapter 04 and the heaviest chapter are loaded in turn (interleaved), so a
change in the machine's load hits all three alike. ``--baseline OTHER_SITE`` adds a fourth: the
same chapter from another build (say, before a change), served on a second port and loaded in
the same turns, so before and after are measured in one run. Each cold load also lists the
files over 50 kB it fetched before the first result (``largest``), to show where bytes go.

All times are read from the page's own performance timeline (ms since navigation start),
so Playwright's polling does not inflate them. Writes ``bench/results/page.json`` and
prints a summary against the targets: first result <= 3 s cold, <= 0.3 s after
navigation, rerun p50 <= 50 ms.

    .venv/bin/python bench/bench_page.py            # builds the site with mkdocs first
    .venv/bin/python bench/bench_page.py --site site --loads 7
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# What the results JSON records as its maker (committed results name their script).
GENERATED_BY = "bench/bench_page.py"
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from helpers import launch_chromium  # noqa: E402
from server import free_port, serve, sitemap_port  # noqa: E402

TARGETS = {"first_result_cold_s": 3.0, "first_result_after_navigation_s": 0.3, "rerun_p50_ms": 50.0,
           "ratio_to_floor": 1.15, "bytes_to_first_result": 30e6}
THROTTLE_MBIT_S = 20
# The floor: an empty page whose worker loads Pyodide and imports NumPy, as the site's does.
FLOOR_PAGE = """<!doctype html><html lang="en" data-pyodide="{pyodide}"><head><meta charset="utf-8">
<title>floor</title><link rel="icon" href="data:,"></head><body><p>Bare runtime.</p><script>
const worker = new Worker("../floor-worker.js");
worker.onmessage = () => performance.mark("itt-floor-ready");
worker.postMessage(new URL(document.documentElement.dataset.pyodide, location.href).href);
</script></body></html>
"""
FLOOR_WORKER = """self.onmessage = async (event) => {
  importScripts(event.data + "pyodide.js");
  const pyodide = await loadPyodide({indexURL: event.data});
  await pyodide.loadPackage(["numpy"], () => {}, () => {});
  pyodide.runPython("import numpy");
  self.postMessage("ready");
};
"""
# The floor's Pyodide: the files as npm ships them (the bare runtime), copied beside the page.
# The site's own copy differs: its Python carries bytecode (hooks/runtime_bytecode.py).
# A second floor page loads the site's copy, to show what the page adds to its own runtime.
STOCK_PYODIDE = REPO / "node_modules" / "@pyodide" / "pyodide" / "dist"
FLOOR_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "pyodide.asm.data",
               "packages.json", "numpy.js", "numpy.data")
CHAPTER = "chapters/04-attention/"
FROM_CHAPTER = "chapters/03-positional-encoding/"

MARK = "name => (performance.getEntriesByName(name)[0] || {}).startTime ?? null"
POLL_MS = 50
FCP = "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null"


def cold_load(browser, url, throttle_mbit_s=0):
    """One cold load of `url`; returns times in seconds and bytes up to the first result."""
    context = browser.new_context()
    page = context.new_page()
    transferred, urls, largest = [], [], {}

    def finished(request):
        size = _bytes(request)
        transferred.append(size)
        if size > 50_000:
            largest[request.url.split("/", 3)[-1]] = size

    page.on("requestfinished", finished)
    page.on("request", lambda request: urls.append(request.url))
    if throttle_mbit_s:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        rate = throttle_mbit_s * 1e6 / 8  # bytes per second
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 20, "downloadThroughput": rate,
            "uploadThroughput": rate})
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    # A reader can press Run once the demo is enhanced (its editor may be built later).
    page.wait_for_function("document.querySelector('.itt-demo[data-demo-enhanced] .itt-demo-run')",
                           timeout=120_000, polling=POLL_MS)
    first = page.locator(".itt-demo").first
    first.get_by_role("button", name="Run", exact=True).click()
    # Waits poll every POLL_MS, not every frame: the times are read from the page's timeline,
    # and a per-frame poll would add main-thread work to the pages it measures.
    page.wait_for_function(f"({MARK})('itt-demo-result') !== null", timeout=300_000,
                           polling=POLL_MS)
    # The output area marks when this run's figures are drawn (at once if it has none).
    page.wait_for_function(f"({MARK})('itt-demo-figures') !== null", timeout=60_000,
                           polling=POLL_MS)
    page.wait_for_function(f"({FCP})() !== null")
    sample = {
        "text_s": page.evaluate(FCP) / 1000,
        "python_ready_s": page.evaluate(MARK, "itt-python-ready") / 1000,
        "first_result_s": page.evaluate(MARK, "itt-demo-result") / 1000,
        "first_figures_s": page.evaluate(MARK, "itt-demo-figures") / 1000,
        "first_demo": first.get_attribute("data-demo"),
        "first_state": first.get_attribute("data-demo-state"),
        "first_figures": first.locator("[data-demo-output] figure.itt-chart").count(),
        "bytes": sum(transferred),
        "matplotlib_fetched": any("matplotlib" in url for url in urls),
        "largest": dict(sorted(largest.items(), key=lambda item: -item[1])),
    }
    return context, page, sample


def write_floor_pages(folder: Path):
    """The floor pages under ``folder``: ``stock/`` (npm's Pyodide, copied into
    ``stock/pyodide/``) and ``site/`` (the site's own copy)."""
    (folder / "stock" / "pyodide").mkdir(parents=True, exist_ok=True)
    (folder / "site").mkdir(exist_ok=True)
    for name in FLOOR_FILES:
        shutil.copyfile(STOCK_PYODIDE / name, folder / "stock" / "pyodide" / name)
    (folder / "floor-worker.js").write_text(FLOOR_WORKER, encoding="utf-8")
    for page, pyodide in (("stock", "pyodide/"), ("site", "../../assets/build/pyodide/")):
        (folder / page / "index.html").write_text(FLOOR_PAGE.replace("{pyodide}", pyodide),
                                                  encoding="utf-8")


def floor_load(browser, url):
    """One cold load of the empty floor page: Pyodide + NumPy ready, and the bytes."""
    context = browser.new_context()
    page = context.new_page()
    transferred = []
    page.on("requestfinished", lambda request: transferred.append(_bytes(request)))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(f"({MARK})('itt-floor-ready') !== null", timeout=120_000,
                           polling=POLL_MS)
    sample = {"ready_s": page.evaluate(MARK, "itt-floor-ready") / 1000,
              "bytes": sum(transferred)}
    context.close()
    return sample


@contextlib.contextmanager
def _serve_baseline(site, isolated):
    """Serve the --baseline site on a free port (its base URL), or yield None without one."""
    if site is None:
        yield None
        return
    with serve(site, isolated=isolated, port=free_port()) as base:
        yield base


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
          // Material changes the address before it swaps the content: the old article is marked.
          document.querySelector('article').ittLeft = true;
          const at = performance.now();
          link.click();
          return at;
        }""",
        chapter,
    )
    page.wait_for_function(
        "target => location.pathname.endsWith(target)"
        " && !document.querySelector('article').ittLeft"
        " && document.querySelector('.itt-demo[data-demo-enhanced] .itt-demo-run')",
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


def survey_chapters(browser, base, site: Path):
    """One cold load of every chapter with demos: its first live result and bytes."""
    rows = []
    for index in sorted((site / "chapters").glob("*/index.html")):
        if 'class="itt-demo"' not in index.read_text(encoding="utf-8"):
            continue
        path = f"chapters/{index.parent.name}/"
        context, _, sample = cold_load(browser, f"{base}/{path}")
        context.close()
        rows.append({"page": path, "bytes": sample["bytes"],
                     "first_figures_s": sample["first_figures_s"],
                     "first_demo": sample["first_demo"], "state": sample["first_state"]})
    return rows


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
    parser.add_argument("--heaviest", default="auto",
                        help="page path of the heaviest chapter, 'auto' (one cold load of "
                             "each chapter, most bytes to the first result) or '' to skip")
    parser.add_argument("--throttled-loads", type=int, default=1,
                        help=f"cold loads of --chapter at {THROTTLE_MBIT_S} Mbit/s (0 skips)")
    parser.add_argument("--baseline", type=Path,
                        help="another built site whose --chapter is loaded in the same turns")
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
        write_floor_pages(Path(site) / "bench-floor")
        with serve(site, isolated=not args.plain, port=port) as base, \
                _serve_baseline(args.baseline, not args.plain) as baseline_base, \
                sync_playwright() as pw:
            browser = launch_chromium(pw)
            heaviest, survey = args.heaviest, []
            if heaviest == "auto":
                survey = survey_chapters(browser, base, Path(site))
                heaviest = max(survey, key=lambda row: row["bytes"])["page"]
            cold, heavy, floor, site_floor, reruns, before = [], [], [], [], None, []
            for _ in range(args.loads):
                floor.append(floor_load(browser, f"{base}/bench-floor/stock/"))
                site_floor.append(floor_load(browser, f"{base}/bench-floor/site/"))
                if baseline_base:
                    context, _, sample = cold_load(browser, f"{baseline_base}/{args.chapter}")
                    before.append(sample)
                    context.close()
                context, page, sample = cold_load(browser, f"{base}/{args.chapter}")
                cold.append(sample)
                if reruns is None:
                    reruns = rerun_times(page, args.reruns)
                context.close()
                if heaviest and heaviest != args.chapter:
                    context, _, sample = cold_load(browser, f"{base}/{heaviest}")
                    heavy.append(sample)
                    context.close()
            throttled = []
            for _ in range(args.throttled_loads):
                context, _, sample = cold_load(browser, f"{base}/{args.chapter}",
                                               throttle_mbit_s=THROTTLE_MBIT_S)
                throttled.append(sample)
                context.close()
            navigation = [
                after_navigation(browser, f"{base}/{args.from_chapter}", args.chapter,
                                 args.dwell)
                for _ in range(args.loads if args.from_chapter else 0)
            ]
            browser.close()

    rerun_ms = sorted(reruns["times"])
    if args.site:
        shutil.rmtree(Path(args.site) / "bench-floor", ignore_errors=True)
    floor_s = median(floor, "ready_s")
    first_live = median(cold, "first_figures_s")
    report = {
        "generated_by": GENERATED_BY,
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
            "first_figures_s": first_live,
            "bytes": median(cold, "bytes"),
            "first_demo": cold[0]["first_demo"],
            "samples": cold,
        },
        "baseline": {
            "site": str(args.baseline),
            "python_ready_s": median(before, "python_ready_s"),
            "first_figures_s": median(before, "first_figures_s"),
            "bytes": median(before, "bytes"),
            "ratio_to_floor": median(before, "first_figures_s") / floor_s,
            "samples": before,
        } if before else None,
        "floor": {"ready_s": floor_s, "bytes": median(floor, "bytes"), "samples": floor},
        # The same empty page on the site's own copy of Pyodide (its Python with bytecode).
        "site_runtime_floor": {
            "ready_s": median(site_floor, "ready_s"), "bytes": median(site_floor, "bytes"),
            "first_live_ratio": first_live / median(site_floor, "ready_s"),
            "samples": site_floor,
        },
        # First live result (its figures drawn) over the bare runtime, from the same run.
        "ratio_to_floor": first_live / floor_s,
        "heaviest": {
            "page": heaviest,
            "survey": survey,
            "first_result_s": median(heavy, "first_result_s"),
            "first_figures_s": median(heavy, "first_figures_s"),
            "bytes": median(heavy, "bytes"),
            "ratio_to_floor": median(heavy, "first_figures_s") / floor_s,
            "samples": heavy,
        } if heavy else None,
        "throttled": {
            "mbit_s": THROTTLE_MBIT_S,
            "first_result_s": median(throttled, "first_result_s"),
            "first_figures_s": median(throttled, "first_figures_s"),
            "bytes": median(throttled, "bytes"),
            # Bytes over the emulated bandwidth: the least the transfer alone can take.
            "transfer_floor_s": median(throttled, "bytes") / (THROTTLE_MBIT_S * 1e6 / 8),
            "samples": throttled,
        } if throttled else None,
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
    floor = report["floor"]
    print(f"  floor (npm's Pyodide + NumPy in an empty page): {floor['ready_s']:.2f} s, "
          f"{floor['bytes'] / 1e6:.1f} MB; first live result with figures "
          f"{cold['first_figures_s']:.2f} s = {report['ratio_to_floor']:.2f}x the floor "
          f"[goal <= {TARGETS['ratio_to_floor']}x: "
          f"{verdict(report['ratio_to_floor'], TARGETS['ratio_to_floor'])}; "
          f"<= {TARGETS['bytes_to_first_result'] / 1e6:.0f} MB: "
          f"{verdict(cold['bytes'], TARGETS['bytes_to_first_result'])}]")
    own = report["site_runtime_floor"]
    print(f"  the same empty page on the site's Pyodide (its Python with bytecode): "
          f"{own['ready_s']:.2f} s, {own['bytes'] / 1e6:.1f} MB; first live result = "
          f"{own['first_live_ratio']:.2f}x that")
    before = report["baseline"]
    if before:
        print(f"  baseline {before['site']}, same turns: first live result "
              f"{before['first_figures_s']:.2f} s = {before['ratio_to_floor']:.2f}x the floor, "
              f"{before['bytes'] / 1e6:.1f} MB")
    heavy = report["heaviest"]
    if heavy:
        print(f"  heaviest chapter {heavy['page']}: first live result "
              f"{heavy['first_figures_s']:.2f} s = {heavy['ratio_to_floor']:.2f}x the floor, "
              f"{heavy['bytes'] / 1e6:.1f} MB")
    throttled = report["throttled"]
    if throttled:
        print(f"  {throttled['mbit_s']} Mbit/s: first live result "
              f"{throttled['first_figures_s']:.2f} s, {throttled['bytes'] / 1e6:.1f} MB "
              f"(transfer alone {throttled['transfer_floor_s']:.1f} s)")
    print(f"  rerun of {rerun['demo']}: p50 {rerun['p50_ms']:.1f} ms, p90 {rerun['p90_ms']:.1f} ms "
          f"over {rerun['runs']} runs [target <= {TARGETS['rerun_p50_ms']} ms: "
          f"{verdict(rerun['p50_ms'], TARGETS['rerun_p50_ms'])}]")


if __name__ == "__main__":
    main()
