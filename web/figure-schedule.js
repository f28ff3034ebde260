// When the page draws its build-time figures (issue 14: Python first).
//
// Drawing a figure costs the main thread (Vega parses the spec, lays it out, builds the SVG),
// and on a 2-core machine that time is taken from Python's start-up in its worker, which
// decides when the first live result appears. So a page draws at once only the figures near
// the screen; each static image stands in for the rest (the same drawing, made at build
// time), which are drawn one per idle moment once Python is ready, before most readers
// scroll to them. A figure that comes near the screen earlier is drawn then.

import { loadFigures } from "./figure-loader.js";
import { whenIdle } from "./idle.js";

const NEAR_SCREEN = "600px 0px"; // a figure this close to the viewport is drawn at once


/**
 * Draw the build-time figures under `root`: those near the screen now, the others once
 * `pythonReady` settles (a promise; its failure does not stop the figures).
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
  waiting.forEach((figure) => nearScreen.observe(figure));
  // The renderer is needed once Python is ready: it is fetched and parsed at an idle moment
  // after the page has loaded, while the worker starts Python, instead of then.
  const preload = () => whenIdle(() => loadFigures(config).catch(() => {}));
  if (document.readyState === "complete") preload();
  else self.addEventListener("load", preload, { once: true });
  const drawRest = () => {
    const next = waiting.values().next();
    if (next.done) {
      nearScreen.disconnect();
      return;
    }
    whenIdle(() => draw(next.value).then(drawRest));
  };
  Promise.resolve(pythonReady).catch(() => {}).then(drawRest);
}
