// Loading the figure renderer (itt-figures.js, Vega + Vega-Lite) on first need: a page with
// a figure, or a live run that returns one. Text-only pages never download it.

import { loadBundle } from "./load-script.js";

/** Resolves to the renderer's API ({draw, drawFigure, redrawAll, fitSpec}); loads it once per visit. */
export function loadFigures(config) {
  return loadBundle(config.figuresUrl, "ittFigures");
}

/** A <figure class="itt-chart"> for a live figure: caption and alt text as text only. */
export function figureElement(spec, id) {
  const meta = (spec && spec.usermeta && spec.usermeta.itt) || {};
  const figure = document.createElement("figure");
  figure.className = "itt-chart";
  figure.id = id;
  figure.dataset.chartKind = String(meta.kind || "figure");
  const view = document.createElement("div");
  view.className = "itt-chart-view";
  figure.append(view, document.createElement("figcaption"));
  setCaption(figure, spec);
  return figure;
}

/** Write `spec`'s caption (text only) into `figure` (a figure redrawn with a new spec). */
export function setCaption(figure, spec) {
  const meta = (spec && spec.usermeta && spec.usermeta.itt) || {};
  figure.querySelector("figcaption").textContent = String(meta.caption || "");
}
