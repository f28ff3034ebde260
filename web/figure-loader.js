// Loading the figure renderer (itt-figures.js, Vega + Vega-Lite) on first need: a page with
// a figure, or a live run that returns one. Text-only pages never download it.

let loading = null;

/** Resolves to the renderer's API ({draw, drawFigure, redrawAll, fitSpec}); loads it once per visit. */
export function loadFigures(config) {
  if (self.ittFigures) return Promise.resolve(self.ittFigures);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = config.figuresUrl;
      script.async = true;
      script.onload = () => (self.ittFigures ? resolve(self.ittFigures) : reject(new Error("itt-figures.js defined no renderer")));
      script.onerror = () => {
        loading = null;
        reject(new Error(`could not load ${config.figuresUrl}`));
      };
      document.head.append(script);
    });
  }
  return loading;
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
