// Page script (docs/assets/build/itt.js): enhances every demo on each page view.
//
// Python starts on the first Run or when a demo scrolls into view, never at page load, so
// the text is readable at once and pages without demos cost nothing.
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

const config = readConfig();
const runtime = getRuntime(config);
let observer = null;

function watchForVisibility(roots) {
  if (!("IntersectionObserver" in self)) {
    if (roots.length) runtime.start().catch(() => {});
    return;
  }
  if (!observer) {
    observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        runtime.start().catch(() => {});
        observer.disconnect();
      }
    // One screen of margin: Python starts while the reader approaches a demo, so it is
    // usually ready by the time they reach it.
    }, { rootMargin: "100% 0px" });
  }
  roots.forEach((root) => observer.observe(root));
}

// A demo that draws: its page loads Matplotlib together with NumPy (no other page loads it:
// the architecture's rule, so readers of text-only pages never download its 15 MB).
const IMPORTS_MATPLOTLIB = /^\s*(import matplotlib|from matplotlib)/m;

function enhancePage() {
  const roots = [...document.querySelectorAll(".itt-demo")];
  const sources = roots.map((root) => (root.querySelector(".itt-demo-source") || {}).textContent || "");
  if (sources.some((source) => IMPORTS_MATPLOTLIB.test(source))) runtime.preload(["matplotlib"]);
  roots.forEach((root) => enhanceDemo(root, runtime));
  if (roots.length && !runtime.readyPromise) watchForVisibility(roots);
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
