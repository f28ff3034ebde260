// The book's folds in a CodeMirror editor (part of the editor bundle, editor.js): the ranges
// fold-ranges.js finds, shown as "… 6 lines: imports" placeholders that open on a click.

import { codeFolding, foldEffect, unfoldAll } from "@codemirror/language";
import { foldLabel, foldLineRanges, mergedRanges } from "./fold-ranges.js";

export { unfoldAll };

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
  const effects = mergedRanges(foldLineRanges(text), text.split("\n"))
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
