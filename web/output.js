// Rendering a run into a demo's [data-demo-output].
//
// Everything that came from Python is inserted with textContent, as a data: PNG image
// (Matplotlib, a reader's own code) or as a figure drawn from its Vega-Lite data by the
// figure renderer; never as HTML: `print("<img src=x onerror=alert(1)>")` shows those
// characters.

import { readConfig } from "./config.js";
import { figureElement, loadFigures, setCaption } from "./figure-loader.js";
import { StreamView } from "./flood.js";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A live-output view over one demo's output area. */
export class OutputView {
  /** `loadRenderer()` resolves to the figure renderer (web/figures.js). */
  constructor(area, demoId, loadRenderer = () => loadFigures(readConfig())) {
    this.area = area;
    this.demoId = demoId;
    this.loadRenderer = loadRenderer;
    this.stdout = null;
    this.runs = 0;
    this.live = new Map(); // key -> {figure, spec, drawing}: figures shown under a key this run
  }

  /** Replace what is shown (the build-time output the first time) with an empty live run. */
  begin() {
    this.area.replaceChildren();
    this.stdout = element("pre", "itt-demo-stdout", "");
    this.stdout.hidden = true;
    this.stream = new StreamView(this.stdout); // batched, linear, capped (flood.js)
    this.area.append(this.stdout);
    this.area.dataset.liveRun = "true"; // what the area shows now is this run's (not dimmed)
    this.live = new Map();
  }

  /** Streamed output of `kind` ("stdout", "stderr", "note", or "figure": a spec as JSON). */
  append(text, kind = "stdout") {
    if (kind === "figure") this.showLive(text);
    else this.stream.push(kind, text);
  }

  /**
   * A figure shown under a key while the run goes: drawn the first time, then redrawn in
   * place. Updates that come while one is being drawn are coalesced to the newest.
   */
  showLive(text) {
    let spec;
    try {
      spec = JSON.parse(text);
    } catch (error) {
      return;
    }
    const key = liveKey(spec);
    if (key === null) return;
    let slot = this.live.get(key);
    if (!slot) {
      const slug = `${this.demoId}-${key}`.replace(/[^A-Za-z0-9]+/g, "-");
      slot = { figure: figureElement(spec, `itt-live-${slug}`), spec: null, drawing: false, task: null };
      this.area.append(slot.figure);
      this.live.set(key, slot);
    }
    slot.spec = spec;
    setCaption(slot.figure, spec);
    if (!slot.drawing) slot.task = this.drawLive(slot);
  }

  async drawLive(slot) {
    slot.drawing = true;
    try {
      const renderer = await this.loadRenderer();
      while (slot.spec) {
        const spec = slot.spec;
        slot.spec = null;
        await renderer.draw(slot.figure, spec);
      }
    } catch (error) {
      // The run's final figures say what went wrong, if anything does.
    } finally {
      slot.drawing = false;
    }
  }

  /**
   * Show a finished run's outcome (stdout was streamed; figures, images, error, badge are
   * added). Resolves once its figures are drawn.
   */
  finish(outcome) {
    // The outcome's ordered output replaces what was streamed when they differ (output
    // dropped by the cap, or not streamed); an outcome without output keeps the stream.
    this.stream.flush();
    const segments = Array.isArray(outcome.output)
      ? outcome.output
      : outcome.stdout ? [["stdout", outcome.stdout]] : [];
    const total = segments.reduce((sum, [, text]) => sum + text.length, 0);
    if (total > 0 && (total !== this.stream.receivedChars || segments.some(([kind]) => kind === "note"))) {
      this.stream.replace(segments);
    }
    this.stdout.hidden = this.stdout.childNodes.length === 0;
    this.runs += 1;
    delete this.area.dataset.liveRun;
    this.area.ittOutcome = outcome; // tests compare its figures with CPython's
    delete this.area.dataset.figuresDrawn;
    const slug = this.demoId.replace(/[^A-Za-z0-9]+/g, "-");
    // A figure shown under a key is drawn where its live versions were, without a flash.
    const live = this.live;
    this.live = new Map();
    const figures = (outcome.figures || []).map((spec, index) => {
      const slot = live.get(liveKey(spec));
      live.delete(liveKey(spec));
      if (slot) slot.spec = null; // a pending live update must not overwrite the final one
      const figure = slot ? slot.figure : figureElement(spec);
      setCaption(figure, spec);
      figure.id = `itt-live-${slug}-${this.runs}-${index + 1}`;
      this.area.append(figure);
      return [figure, spec, (slot && slot.task) || Promise.resolve()];
    });
    live.forEach((slot) => slot.figure.remove()); // shown live but not kept (Stop, an error)
    (outcome.images || []).forEach((image, index) => {
      const node = element("img", "itt-demo-figure");
      node.alt = `Matplotlib figure ${index + 1} drawn by the code (live output)`;
      node.width = Number(image.width) || 0;
      node.height = Number(image.height) || 0;
      node.src = `data:image/png;base64,${image.png}`;
      this.area.append(node);
    });
    if (outcome.error) {
      const kind = outcome.stopped ? "itt-demo-stopped" : "itt-demo-error";
      const message = element("pre", kind, outcome.error);
      if (outcome.restarted) message.append("\n", restartTime(outcome.restarted));
      this.area.append(message);
    }
    const result = outcome.result;
    if (!outcome.error && result && typeof result === "object" && typeof result.correct === "boolean") {
      this.area.append(exerciseBadge(result));
    }
    const runs = this.runs;
    const drawn = () => {
      this.area.dataset.figuresDrawn = String(runs);
      performance.mark("itt-demo-figures", { detail: { demo: this.demoId, runs } });
    };
    if (!figures.length) {
      drawn();
      return Promise.resolve();
    }
    return this.loadRenderer().then(
      (renderer) => Promise.all(figures.map(([figure, spec, liveDraw]) => liveDraw.then(() => renderer.draw(figure, spec)))).then(drawn),
      (error) => {
        this.area.append(element("pre", "itt-demo-error", `The figures could not be drawn: ${error.message}`));
      },
    );
  }
}

/** The key a figure was shown under (usermeta.itt.key), or null. */
function liveKey(spec) {
  const meta = spec && spec.usermeta && spec.usermeta.itt;
  return meta && typeof meta.key === "string" && meta.key ? meta.key : null;
}

/** "Restarting Python…", then the measured time until it was ready again. */
function restartTime(restarted) {
  const node = element("span", "itt-demo-restart-time", "Restarting Python…");
  restarted.then(
    (seconds) => {
      node.dataset.seconds = String(seconds);
      node.textContent = `Python was ready again after ${seconds.toFixed(1)} s.`;
    },
    (error) => {
      node.dataset.failed = "true";
      node.textContent = `Python could not start again (${error.message}): reload the page.`;
    },
  );
  return node;
}

function exerciseBadge(result) {
  const badge = element("div", `itt-demo-badge ${result.correct ? "itt-demo-correct" : "itt-demo-wrong"}`);
  badge.append(element("strong", "", result.correct ? "✓ Correct" : "✗ Not yet"));
  if (!result.correct && result.hint) {
    badge.append(element("span", "itt-demo-hint", ` Hint: ${result.hint}`));
  }
  return badge;
}
