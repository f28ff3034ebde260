// Output first, code on demand (issue 17): a demo reads caption, controls, Run, output, then
// its code, collapsed to the lines that matter with "Show all code" to expand it.
//
// What folds (the book's plumbing, never the reader's lines):
// - the header comment (shown above the demo as its caption instead);
// - the import block at the top;
// - the closing `result = {...}` dictionary (the build's hand-off, not the idea);
// - any region between `# @hide` and `# @show` comment lines.
// Folded ranges are CodeMirror folds: the code still runs exactly as written, and a click on
// a fold's placeholder (or "Show all code") opens it.

import { codeFolding, foldEffect, unfoldAll } from "@codemirror/language";

export const COLLAPSED_LINES = 14; // lines a collapsed editor shows before "Show all code"

const IMPORT = /^(import\s|from\s+\S+\s+import\s)/;
const HIDE = /^\s*#\s*@hide\b/;
const SHOW = /^\s*#\s*@show\b/;
const RESULT = /^result\s*=\s*[{(]/;

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

/** [{from, to, label}] line ranges (0-based, inclusive) of `source` to fold. */
export function foldLineRanges(source) {
  const lines = source.split("\n");
  const ranges = [];
  let index = 0;
  // Header comment.
  while (index < lines.length && lines[index].startsWith("#") && !/^#\s*@/.test(lines[index])) index += 1;
  if (index > 0) ranges.push({ from: 0, to: index - 1, label: "about this demo" });
  // Import block (imports, blank lines and comments between them).
  let first = -1;
  let last = -1;
  for (let at = index; at < lines.length; at += 1) {
    const line = lines[at];
    if (IMPORT.test(line)) {
      if (first < 0) first = at;
      last = at;
    } else if (line.trim() === "" || (line.startsWith("#") && first >= 0 && !/^#\s*@/.test(line))) {
      continue;
    } else {
      break;
    }
  }
  if (first >= 0) ranges.push({ from: first, to: last, label: "imports" });
  // `# @hide` ... `# @show` regions.
  for (let at = 0; at < lines.length; at += 1) {
    if (!HIDE.test(lines[at])) continue;
    let end = at + 1;
    while (end < lines.length && !SHOW.test(lines[end])) end += 1;
    ranges.push({ from: at, to: Math.min(end, lines.length - 1), label: "book code" });
    at = end;
  }
  // The closing result dictionary: from `result = {` to the line that closes it.
  for (let at = 0; at < lines.length; at += 1) {
    if (!RESULT.test(lines[at])) continue;
    let depth = 0;
    let end = at;
    for (; end < lines.length; end += 1) {
      for (const char of lines[end].replace(/#.*$/, "")) {
        if ("{([".includes(char)) depth += 1;
        else if ("})]".includes(char)) depth -= 1;
      }
      if (depth <= 0) break;
    }
    ranges.push({ from: at, to: Math.min(end, lines.length - 1), label: "result for the page" });
  }
  return ranges;
}

/** What a folded range holds, in a few words, from its text. */
export function foldLabel(text) {
  const kinds = [];
  for (const line of text.split("\n")) {
    let kind = null;
    if (HIDE.test(line)) kind = "book code";
    else if (IMPORT.test(line)) kind = "imports";
    else if (RESULT.test(line)) kind = "result for the page";
    else if (line.startsWith("#") && !kinds.length) kind = "about this demo";
    if (kind && !kinds.includes(kind)) kinds.push(kind);
  }
  return kinds.join(", ") || "book code";
}

/** Line ranges merged where only blank lines separate them (one fold, not two in a row). */
function merged(ranges, lines) {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out = [];
  for (const range of sorted) {
    const previous = out[out.length - 1];
    const gapBlank = previous && lines.slice(previous.to + 1, range.from).every((line) => line.trim() === "");
    if (previous && (range.from <= previous.to + 1 || gapBlank)) {
      previous.to = Math.max(previous.to, range.to);
    } else {
      out.push({ ...range });
    }
  }
  return out;
}

/** The editor extension that lets folds show and open ("… imports" placeholders). */
export function foldingExtension() {
  return codeFolding({
    preparePlaceholder: (state, range) => {
      const count = state.doc.lineAt(range.to).number - state.doc.lineAt(range.from).number + 1;
      return `${count} line${count === 1 ? "" : "s"}: ${foldLabel(state.doc.sliceString(range.from, range.to))}`;
    },
    placeholderDOM: (view, onclick, prepared) => {
      const node = document.createElement("button");
      node.type = "button";
      node.className = "cm-foldPlaceholder itt-fold";
      node.textContent = `… ${prepared}`;
      node.title = "Show these lines";
      node.setAttribute("aria-label", `Show ${prepared} of folded code`);
      node.onclick = onclick;
      return node;
    },
  });
}

/** Fold the plumbing of the editor's current text (ranges from foldLineRanges). */
export function foldPlumbing(view) {
  const { doc } = view.state;
  const text = doc.toString();
  const effects = merged(foldLineRanges(text), text.split("\n"))
    .filter((range) => range.to >= range.from && range.to < doc.lines)
    .map((range) => {
      // The whole lines, so each fold reads as one line "… 6 lines: imports".
      const start = doc.line(range.from + 1).from;
      const end = doc.line(range.to + 1).to;
      return end > start ? foldEffect.of({ from: start, to: end }) : null;
    })
    .filter(Boolean);
  if (effects.length) view.dispatch({ effects });
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
  function applyFolds(view) {
    if (code.dataset.expanded === "true") unfoldAll(view);
    else foldPlumbing(view);
    view.requestMeasure();
  }
  function setExpanded(expanded) {
    code.dataset.expanded = expanded ? "true" : "false";
    toggle.setAttribute("aria-expanded", String(expanded));
    toggle.textContent = expanded ? "Collapse code" : `Show all code (${lineCount} lines)`;
    if (editor.view) applyFolds(editor.view);
  }
  editor.whenBuilt(applyFolds);
  toggle.addEventListener("click", () => {
    editor.build(); // a reader who opens the code is about to read or edit it
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
