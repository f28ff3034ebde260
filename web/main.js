// Page script (docs/assets/build/itt.js): enhances every demo on each page view.
//
// Python starts as soon as this script runs on a page with demos, in its worker, off the
// main thread: the text is readable at once, and the first Run finds Python ready or
// nearly (starting it only when a demo scrolled into view cost chapter 04 about 2.5 s of its
// first result, measured with bench/bench_page.py). Pages without demos never start it.
//
// Cross-origin isolation: no service worker is installed to add COOP/COEP headers. Such a
// worker only takes effect after it has installed, so the first visit would have to reload
// the page (a second full load before Python can start) and every later request goes
// through it; that spends the 3 s first-result budget on the page most readers see once.
// Hosts that send the headers get an interruptible Stop; elsewhere Stop restarts the
// worker (1.5-2 s) and says so in the output (see runtime.js).

import { readConfig } from "./config.js";
import { getRuntime } from "./runtime.js";
import { enhanceDemo } from "./demo.js";
import { scheduleFigures } from "./figure-schedule.js";
import { PYTHON_SETTLED } from "./search-gate.js";
import { buildEditorsWhenIdle, useEditorBundle } from "./lazy-editor.js";

const config = readConfig();
const runtime = getRuntime(config);
useEditorBundle(config.editorUrl);
// This script loads async in <head> (overrides/main.html). A page whose build says it has
// demos (config.hasDemos) starts Python at once, while the rest of the page still parses
// (taking over the worker boot.js started); any other page starts it when enhancePage finds
// a demo.
// Its outcome, ready or failed, releases the search index boot.js held back (search-gate.js).
if (config.hasDemos) {
  runtime.start().catch(() => {}).finally(() => self.dispatchEvent(new Event(PYTHON_SETTLED)));
}

// Figures built at build time are drawn by the renderer that draws live ones, once Python is
// ready and the page quiet, near the screen first (figure-schedule.js; their static SVG, the
// same drawing, stands in until then). Matplotlib is never preloaded: the worker loads it
// only for code that imports it.
function enhancePage() {
  const roots = [...document.querySelectorAll(".itt-demo")];
  // Started already on most pages; needed after instant navigation from a page without demos.
  const pythonReady = roots.length ? runtime.start() : null;
  if (pythonReady) pythonReady.catch(() => {}); // a failed start is shown in each demo
  scheduleFigures(document, config, pythonReady);
  // Each demo on its own: one that cannot be enhanced must not stop the others.
  roots.forEach((root) => {
    try {
      enhanceDemo(root, runtime);
    } catch (error) {
      console.warn(`demo ${root.dataset.demo}: could not be made live`, error);
    }
  });
  // Editors are built once Python is ready and the page is quiet, near the screen first, or
  // when the reader reaches for the code (lazy-editor.js).
  if (pythonReady) buildEditorsWhenIdle(pythonReady);
}

function subscribe() {
  if (self.document$ && typeof self.document$.subscribe === "function") {
    // Material's instant navigation emits on every page view, the first one included.
    self.document$.subscribe(() => enhancePage());
  } else {
    enhancePage();
  }
}

// Material's own bundle (which defines document$) may load after this script.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", subscribe);
} else {
  subscribe();
}
