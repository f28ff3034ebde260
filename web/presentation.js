// Output first, code on demand (issue 17): a demo reads caption, controls, Run, output, then
// its code, collapsed to the lines that matter with "Show all code" to expand it.
//
// What folds (the book's plumbing, never the reader's lines):
// - the header comment (shown above the demo as its caption instead);
// - the import block at the top;
// - the closing `result = {...}` dictionary (the build's hand-off, not the idea);
// - any region between `# @hide` and `# @show` comment lines.
// Folded ranges (fold-ranges.js) are CodeMirror folds (editor-folds.js): the code still runs
// exactly as written, and a click on a fold's placeholder (or "Show all code") opens it.

export const COLLAPSED_LINES = 14; // lines a collapsed editor shows before "Show all code"

/**
 * The caption of a demo: the first sentence of its header comment (the `#` lines before any
 * code), or "" when it has none.
 */
export function captionFrom(source) {
  const words = [];
  for (const line of source.split("\n")) {
    const match = /^#(?!\s*@)\s?(.*)$/.exec(line);
    if (!match) break;
    words.push(match[1].trim());
  }
  const text = words.join(" ").replace(/\s+/g, " ").trim();
  if (!text) return "";
  // First sentence: up to a full stop followed by a space and a capital (or the end);
  // "e.g." and "et al." are not sentence ends.
  const end = /[.!?](?=\s+[A-Z(]|$)/g;
  let match;
  while ((match = end.exec(text)) !== null) {
    const before = text.slice(0, match.index + 1);
    if (!/(\be\.g|\bi\.e|\bal|\bvs|\bcf)\.$/.test(before)) return before;
  }
  return text;
}

/**
 * Arrange one enhanced demo: caption, controls, toolbar, output, then the collapsed code with
 * a "Show all code" button. `parts` holds the nodes demo.js built.
 */
export function presentDemo(root, { editor, editorHost, toolbar, controlsHost, area, source, demoId }) {
  const caption = captionFrom(source);
  const order = [];
  if (caption) {
    const node = document.createElement("p");
    node.className = "itt-demo-caption";
    node.textContent = caption;
    order.push(node);
  }
  if (controlsHost) order.push(controlsHost);
  order.push(toolbar, area);

  const code = document.createElement("div");
  code.className = "itt-demo-code";
  const heading = document.createElement("div");
  heading.className = "itt-demo-code-bar";
  const label = document.createElement("span");
  label.className = "itt-demo-code-label";
  label.textContent = `Code: demos/${demoId}.py`;
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "itt-demo-button itt-demo-showcode";
  toggle.setAttribute("aria-expanded", "false");
  heading.append(label, toggle);
  editorHost.before(code);
  code.append(heading, editorHost);
  order.push(code);
  // Keep the meta template first; everything else in reading order.
  for (const node of order) root.append(node);

  const lineCount = source.split("\n").length;
  // `editor` is a LazyEditor: the folds follow the state once its view exists.
  const applyFolds = () => editor.showFolds(code.dataset.expanded !== "true");
  function setExpanded(expanded) {
    code.dataset.expanded = expanded ? "true" : "false";
    toggle.setAttribute("aria-expanded", String(expanded));
    toggle.textContent = expanded ? "Collapse code" : `Show all code (${lineCount} lines)`;
    if (editor.view) applyFolds();
  }
  editor.whenBuilt(applyFolds);
  toggle.addEventListener("click", () => {
    // A reader who opens the code is about to read or edit it.
    editor.build().catch(() => {}); // a failure is reported by build(); the text stays
    setExpanded(code.dataset.expanded !== "true");
  });
  // Typing in a clipped editor would hide the caret: focusing the code expands it.
  editor.whenBuilt((view) => view.contentDOM.addEventListener("focus", () => {
    if (code.dataset.expanded !== "true") {
      code.dataset.expanded = "true";
      toggle.setAttribute("aria-expanded", "true");
      toggle.textContent = "Collapse code";
    }
  }));
  setExpanded(false);
  return { setExpanded };
}
