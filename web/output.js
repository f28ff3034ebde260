// Rendering a run into a demo's [data-demo-output].
//
// Everything that came from Python is inserted with textContent or as a data: PNG image,
// never as HTML: `print("<img src=x onerror=alert(1)>")` shows those characters.

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A live-output view over one demo's output area. */
export class OutputView {
  constructor(area, demoId) {
    this.area = area;
    this.demoId = demoId;
    this.stdout = null;
  }

  /** Replace what is shown (the build-time output the first time) with an empty live run. */
  begin() {
    this.area.replaceChildren();
    this.stdout = element("pre", "itt-demo-stdout", "");
    this.stdout.hidden = true;
    this.area.append(this.stdout);
  }

  /** Forget streamed text (the worker reran the demo after loading a package). */
  clearText() {
    if (this.stdout) this.stdout.textContent = "";
  }

  append(text) {
    this.stdout.hidden = false;
    this.stdout.textContent += text;
  }

  /** Show a finished run's outcome (stdout was streamed; figures, error, badge are added). */
  finish(outcome) {
    if (outcome.stdout && this.stdout.textContent !== outcome.stdout) {
      this.stdout.textContent = outcome.stdout;
    }
    this.stdout.hidden = this.stdout.textContent === "";
    outcome.figures.forEach((png, index) => {
      const image = element("img", "itt-demo-figure");
      image.alt = `Figure ${index + 1} of ${this.demoId} (live output)`;
      image.src = `data:image/png;base64,${png}`;
      this.area.append(image);
    });
    if (outcome.error) {
      const kind = outcome.stopped ? "itt-demo-stopped" : "itt-demo-error";
      this.area.append(element("pre", kind, outcome.error));
    }
    const result = outcome.result;
    if (!outcome.error && result && typeof result === "object" && typeof result.correct === "boolean") {
      this.area.append(exerciseBadge(result));
    }
  }
}

function exerciseBadge(result) {
  const badge = element("div", `itt-demo-badge ${result.correct ? "itt-demo-correct" : "itt-demo-wrong"}`);
  badge.append(element("strong", "", result.correct ? "✓ Correct" : "✗ Not yet"));
  if (!result.correct && result.hint) {
    badge.append(element("span", "itt-demo-hint", ` Hint: ${result.hint}`));
  }
  return badge;
}
