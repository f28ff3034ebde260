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
import { loadFigures } from "./figure-loader.js";

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

// Figures built at build time are drawn by the renderer that draws live ones, as soon as the
// page shows (their static SVG stands in until then). Matplotlib is never preloaded: the
// worker loads it only for code that imports it.
function drawFigures() {
  if (!document.querySelector("figure.itt-chart")) return;
  loadFigures(config).then(
    (renderer) => renderer.drawAll(document),
    (error) => console.warn(`figures stay static: ${error.message}`),
  );
}

function enhancePage() {
  const roots = [...document.querySelectorAll(".itt-demo")];
  drawFigures();
  // Each demo on its own: one that cannot be enhanced must not stop the others.
  roots.forEach((root) => {
    try {
      enhanceDemo(root, runtime);
    } catch (error) {
      console.warn(`demo ${root.dataset.demo}: could not be made live`, error);
    }
  });
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
