// The figure renderer (docs/assets/build/itt-figures.js): draws a demo's Vega-Lite figures,
// the build-time ones embedded in the page and the live ones a run returns, the same way.
//
// Loaded only by pages that show a figure (web/figure-loader.js), so text-only pages never
// download Vega. It exposes `self.ittFigures = {draw, drawFigure, redrawAll, fitSpec}`.
//
// - Colours, fonts and sizes come from web/figure-theme.json, whose `var(--name)` strings are
//   read from the theme's CSS for the palette shown; a palette switch redraws every figure.
// - Widths follow the column: "container" views fit themselves; panels, heatmaps and token
//   graphs are refitted to the measured width (fewer panels per row on a phone).
// - A table is drawn as an HTML table (text only, never HTML from Python).
// - The attention view's "Token" menu (a Vega binding) is the keyboard path to isolating a
//   token; hover and tap isolate through the spec's own selections.

import embed from "vega-embed";
import themeTemplate from "./figure-theme.json";
import { downloadText, downloadUrl } from "./download.js";

const PANEL_MIN_WIDTH = 250; // px: narrower panels stack
const PANEL_SPACING = 16;
const AXIS_ALLOWANCE = 70; // px for a panel's axis labels and title
const HEATMAP_ALLOWANCE = 130; // px for a heatmap's row labels and colour bar
const GRAPH_LABELS = 180; // px for an attention view's two token columns

const drawn = new Map(); // figure element -> {spec, view, width}

function resolveConfig() {
  const style = getComputedStyle(document.body);
  const resolve = (value) => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === "object") {
      const out = {};
      for (const [key, item] of Object.entries(value)) if (key !== "$comment") out[key] = resolve(item);
      return out;
    }
    const match = typeof value === "string" && /^var\((--[\w-]+)\)$/.exec(value);
    return match ? style.getPropertyValue(match[1]).trim() : value;
  };
  return resolve(themeTemplate);
}

function rowsOf(spec) {
  return (spec.data && spec.data.values) || [];
}

/** A copy of `spec` sized for a column `width` px wide. */
export function fitSpec(spec, width) {
  const fitted = JSON.parse(JSON.stringify(spec));
  delete fitted.$schema; // the page's Vega-Lite draws v5 specs as they are
  const meta = (fitted.usermeta && fitted.usermeta.itt) || {};
  if (meta.alt) fitted.description = meta.alt;
  if (Array.isArray(fitted.concat)) {
    const columns = Math.max(1, Math.min(fitted.columns || 1, Math.floor(width / PANEL_MIN_WIDTH)));
    fitted.columns = columns;
    const panel = Math.floor((width - PANEL_SPACING * (columns - 1)) / columns) - AXIS_ALLOWANCE;
    for (const sub of fitted.concat) {
      if (typeof sub.width === "number") sub.width = Math.max(120, panel);
      else if (sub.width && sub.width.step) fitSteps(sub, panel + AXIS_ALLOWANCE);
    }
  } else if (meta.fit === "step") {
    fitSteps(fitted, width);
  } else if (meta.kind === "attention_view" && typeof fitted.width === "number") {
    fitted.width = Math.max(100, Math.min(fitted.width, width - GRAPH_LABELS));
  }
  return fitted;
}

const CELL_TEXT_MIN_STEP = 36; // px: narrower cells drop their printed values (tooltips keep them)

function fitSteps(spec, width) {
  const rows = rowsOf(spec);
  const columns = rows.reduce((most, row) => Math.max(most, (row.c || 0) + 1), 1);
  const step = spec.width.step;
  const room = width - HEATMAP_ALLOWANCE;
  if (columns * step > room) setStep(spec, Math.max(3, Math.floor(room / columns)));
}

function setStep(spec, step) {
  spec.width = { step };
  spec.height = { step };
  if (step < CELL_TEXT_MIN_STEP && Array.isArray(spec.layer)) {
    spec.layer = spec.layer.filter((layer) => !/^itt-cell-text/.test((layer.mark || {}).style || ""));
  }
}

/**
 * `fitted` drew `natural` px wide in a `width` px column: a copy made narrower by the excess
 * (axis labels and legends are only known once drawn), or null if it cannot shrink.
 */
function shrink(fitted, natural, width) {
  const excess = Math.ceil(natural - width) + 4;
  const spec = JSON.parse(JSON.stringify(fitted));
  const narrower = (view, by) => {
    if (typeof view.width === "number") {
      view.width = Math.max(60, view.width - by);
      return true;
    }
    if (view.width && view.width.step) {
      const columns = rowsOf(view).reduce((most, row) => Math.max(most, (row.c || 0) + 1), 1);
      setStep(view, Math.max(3, view.width.step - Math.ceil(by / columns)));
      return true;
    }
    return false;
  };
  if (Array.isArray(spec.concat)) {
    const columns = spec.columns || spec.concat.length;
    return spec.concat.map((sub) => narrower(sub, Math.ceil(excess / columns))).some(Boolean) ? spec : null;
  }
  return narrower(spec, excess) ? spec : null;
}

function viewHost(figure) {
  let host = figure.querySelector(".itt-chart-view");
  if (!host) {
    host = document.createElement("div");
    host.className = "itt-chart-view";
    const caption = figure.querySelector("figcaption");
    figure.insertBefore(host, caption);
  }
  return host;
}

function drawTable(host, spec) {
  const meta = spec.usermeta.itt;
  const table = document.createElement("table");
  table.className = "itt-chart-table";
  const head = table.createTHead().insertRow();
  for (const name of meta.columns) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = name;
    head.append(cell);
  }
  const body = table.createTBody();
  const rows = [];
  for (const cell of rowsOf(spec)) {
    rows[cell.r] = rows[cell.r] || [];
    rows[cell.r][cell.c] = cell;
  }
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) {
      const td = tr.insertCell();
      td.textContent = cell.text;
      td.title = cell.exact;
      if (typeof cell.value === "number") td.className = "itt-number";
    }
  }
  const wrap = document.createElement("div");
  wrap.className = "md-typeset__table";
  wrap.append(table);
  host.replaceChildren(wrap);
}

/** `figure`'s file name stem: the demo's name and the figure's position in its output. */
function fileStem(figure) {
  const demo = figure.closest(".itt-demo");
  const name = demo && demo.dataset.demo ? demo.dataset.demo.replace("/", "-") : "figure";
  const figures = demo ? [...demo.querySelectorAll("figure.itt-chart")] : [figure];
  return `${name}-figure-${figures.indexOf(figure) + 1}`;
}

/** Vega's SVG text with the figure's caption as its <title> and its alt text as its <desc>. */
function describedSvg(text, figure) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = doc.documentElement;
  const ns = "http://www.w3.org/2000/svg";
  const caption = figure.querySelector("figcaption");
  const staticView = figure.querySelector(".itt-chart-static");
  const desc = doc.createElementNS(ns, "desc");
  desc.textContent = (staticView && staticView.getAttribute("aria-label")) || "";
  const title = doc.createElementNS(ns, "title");
  title.textContent = caption ? caption.textContent.trim() : "";
  svg.insertBefore(desc, svg.firstChild);
  svg.insertBefore(title, svg.firstChild);
  svg.setAttribute("role", "img");
  return new XMLSerializer().serializeToString(doc);
}

/** The figure's "Download SVG / PNG" buttons (once per figure; they export its current view). */
function addDownloads(figure) {
  if (figure.querySelector(".itt-chart-downloads")) return;
  const bar = document.createElement("div");
  bar.className = "itt-chart-downloads";
  const button = (label, format) => {
    const node = document.createElement("button");
    node.type = "button";
    node.className = `itt-demo-button itt-demo-small itt-chart-download-${format}`;
    node.textContent = label;
    const caption = figure.querySelector("figcaption");
    const what = caption ? caption.textContent.trim() : "this figure";
    node.setAttribute("aria-label", `${label}: ${what}`);
    node.addEventListener("click", async () => {
      const entry = drawn.get(figure);
      if (!entry || !entry.view) return;
      const stem = fileStem(figure);
      if (format === "svg") {
        downloadText(`${stem}.svg`, "image/svg+xml", describedSvg(await entry.view.toSVG(), figure));
      } else {
        downloadUrl(`${stem}.png`, await entry.view.toImageURL("png", 2));
      }
    });
    return node;
  };
  bar.append(button("Download SVG", "svg"), button("Download PNG", "png"));
  figure.append(bar);
}

/** Draw `spec` into `figure` (a figure.itt-chart); resolves when it is on screen. */
export async function draw(figure, spec) {
  const host = viewHost(figure);
  const width = Math.floor(figure.getBoundingClientRect().width) || 640;
  const previous = drawn.get(figure);
  if (previous && previous.view) previous.view.finalize();
  if (spec.usermeta && spec.usermeta.itt && spec.usermeta.itt.kind === "table") {
    drawTable(host, spec);
    drawn.set(figure, { spec, view: null, width });
    figure.dataset.chartDrawn = "true";
    return;
  }
  let fitted = fitSpec(spec, width);
  // A "container" view takes the column's width; others keep theirs, centred (theme.css).
  host.classList.toggle("itt-chart-fill", fitted.width === "container");
  const options = { mode: "vega-lite", renderer: "svg", actions: false, config: resolveConfig(),
    tooltip: { theme: "custom" } };
  try {
    let result = await embed(host, fitted, options);
    // Never let the browser scale a figure down (its text would fall below 11 px): redraw
    // it narrower until it fits the column.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const svg = host.querySelector("svg");
      const natural = svg ? Number(svg.getAttribute("width")) : 0;
      if (!(natural > width + 1)) break;
      const narrower = shrink(fitted, natural, width);
      if (!narrower) break;
      fitted = narrower;
      result.view.finalize();
      result = await embed(host, fitted, options);
    }
    drawn.set(figure, { spec, view: result.view, width });
    figure.dataset.chartDrawn = "true";
    figure.ittView = result.view; // tests read the view's signals and data
    addDownloads(figure);
  } catch (error) {
    // The static SVG stays; the reason goes to the console for whoever debugs it.
    console.warn(`figure ${figure.id || ""} could not be drawn:`, error);
  }
}

function specOf(figure) {
  const template = figure.querySelector("template.itt-chart-spec");
  if (!template) return null;
  try {
    return JSON.parse(template.content ? template.content.textContent : template.textContent);
  } catch (error) {
    console.warn("unreadable figure spec", error);
    return null;
  }
}

/** Draw one build-time figure (its spec is in its template) unless it is drawn already. */
export function drawFigure(figure) {
  if (drawn.has(figure) && figure.isConnected) return Promise.resolve();
  const spec = specOf(figure);
  return spec ? draw(figure, spec) : Promise.resolve();
}

/** Redraw every figure on the page (palette switch), or those whose width changed. */
export function redrawAll({ onlyResized = false } = {}) {
  const jobs = [];
  for (const [figure, entry] of drawn) {
    if (!figure.isConnected) {
      if (entry.view) entry.view.finalize();
      drawn.delete(figure);
      continue;
    }
    const width = Math.floor(figure.getBoundingClientRect().width);
    if (onlyResized && Math.abs(width - entry.width) < 24) continue;
    jobs.push(draw(figure, entry.spec));
  }
  return Promise.all(jobs);
}

new MutationObserver(() => redrawAll()).observe(document.body, {
  attributes: true,
  attributeFilter: ["data-md-color-scheme"],
});
let resizeTimer = null;
addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => redrawAll({ onlyResized: true }), 200);
});

self.ittFigures = { draw, drawFigure, redrawAll, fitSpec };
