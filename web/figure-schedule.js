// When the page draws its build-time figures (issue 14: Python first).
//
// Drawing a figure costs the main thread (Vega parses the spec, lays it out, builds the SVG),
// and on a 2-core machine that time is taken from Python's start-up in its worker, and from
// showing a first result. So each figure's static image (the same drawing, made at build
// time) stands in for it until Python is ready and the page is quiet (idle.js whenQuiet: the
// first results are shown); then the figures near the screen are drawn, and the others one
// per idle moment, before most readers scroll to them; a figure that comes near the screen
// before its turn is drawn then. Measured on chapter 04 (2 cores): a reader who scrolled to a
// demo and pressed Run before Python was ready had the page draw that demo's two figures
// during the start; drawn as soon as Python was ready, they held that first result back
// (0.23 s after Python was ready instead of 0.08 s, one probe run).

import { loadFigures } from "./figure-loader.js";
import { whenIdle, whenQuiet } from "./idle.js";

const NEAR_SCREEN = "600px 0px"; // a figure this close to the viewport is drawn first


/**
 * Draw the build-time figures under `root` once `pythonReady` settles (a promise, or null on a
 * page without Python; a failure does not stop the figures) and the page is quiet: those near
 * the screen at once, the others one per idle moment, and any that comes near the screen
 * before its turn, then.
 */
export function scheduleFigures(root, config, pythonReady) {
  const waiting = new Set(
    [...root.querySelectorAll("figure.itt-chart")].filter(
      (figure) => !figure.dataset.chartDrawn && figure.querySelector("template.itt-chart-spec"),
    ),
  );
  if (!waiting.size) return;
  const draw = (figure) => {
    if (!waiting.delete(figure)) return Promise.resolve();
    nearScreen.unobserve(figure);
    return loadFigures(config).then(
      (renderer) => renderer.drawFigure(figure),
      (error) => console.warn(`figures stay static: ${error.message}`),
    );
  };
  const nearScreen = new IntersectionObserver(
    (entries) => entries.forEach((entry) => entry.isIntersecting && draw(entry.target)),
    { rootMargin: NEAR_SCREEN },
  );
  // The renderer is needed once Python is ready: it is fetched and parsed at an idle moment
  // after the page has loaded, while the worker starts Python, instead of then.
  const preload = () => whenIdle(() => loadFigures(config).catch(() => {}));
  if (document.readyState === "complete") preload();
  else self.addEventListener("load", preload, { once: true });
  // A figure whose demo has run is out of the page (the live output replaced it) until Reset
  // puts it back: it is left to the observer, which draws it if it comes near the screen.
  // One whose demo is out of the page too belongs to a page view the reader has left
  // (instant navigation): it is forgotten.
  const homes = new Map([...waiting].map((figure) => [figure, figure.closest(".itt-demo")]));
  const drawRest = () => {
    for (const figure of waiting) {
      const home = homes.get(figure);
      if (home && !home.isConnected) {
        waiting.delete(figure);
        nearScreen.unobserve(figure);
      }
    }
    if (!waiting.size) {
      nearScreen.disconnect();
      return;
    }
    const next = [...waiting].find((figure) => figure.isConnected);
    if (next) whenIdle(() => draw(next).then(drawRest));
  };
  Promise.resolve(pythonReady).catch(() => {}).then(() => whenQuiet(() => {
    // Observing reports each figure's intersection at once: those near the screen now draw.
    waiting.forEach((figure) => nearScreen.observe(figure));
    drawRest();
  }));
}
