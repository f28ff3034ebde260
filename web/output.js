// Rendering a run into a demo's [data-demo-output].
//
// Everything that came from Python is inserted with textContent, as a data: PNG image
// (Matplotlib, a reader's own code) or as a figure drawn from its Vega-Lite data by the
// figure renderer; never as HTML: `print("<img src=x onerror=alert(1)>")` shows those
// characters.

import { readConfig } from "./config.js";
import { figureElement, loadFigures } from "./figure-loader.js";
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
  }

  /** Replace what is shown (the build-time output the first time) with an empty live run. */
  begin() {
    this.area.replaceChildren();
    this.stdout = element("pre", "itt-demo-stdout", "");
    this.stdout.hidden = true;
    this.stream = new StreamView(this.stdout); // batched, linear, capped (flood.js)
    this.area.append(this.stdout);
  }

  /** Streamed output of `kind` ("stdout", "stderr" or "note"). */
  append(text, kind = "stdout") {
    this.stream.push(kind, text);
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
    this.area.ittOutcome = outcome; // tests compare its figures with CPython's
    delete this.area.dataset.figuresDrawn;
    const slug = this.demoId.replace(/[^A-Za-z0-9]+/g, "-");
    const figures = (outcome.figures || []).map((spec, index) => {
      const figure = figureElement(spec, `itt-live-${slug}-${this.runs}-${index + 1}`);
      this.area.append(figure);
      return [figure, spec];
    });
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
      (renderer) => Promise.all(figures.map(([figure, spec]) => renderer.draw(figure, spec))).then(drawn),
      (error) => {
        this.area.append(element("pre", "itt-demo-error", `The figures could not be drawn: ${error.message}`));
      },
    );
  }
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
