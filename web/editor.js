// The CodeMirror 6 editor that replaces a demo's <pre> source: the editor bundle
// (itt-editor.js, built from editor-bundle.js), which a page loads only when an editor is
// built (lazy-editor.js), about 0.4 MB that a reader who only reads never needs.
//
// Token colours come from classes styled with Material's --md-code-hl-* variables (itt.css),
// so the editor follows the light/dark palette and keeps Material's contrast.

import { EditorState, Prec } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, drawSelection, highlightActiveLine, highlightSpecialChars,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { tagHighlighter, tags } from "@lezer/highlight";
import { foldingExtension, foldPlumbing, unfoldAll } from "./editor-folds.js";
import { errorLineExtension, markErrorLine } from "./error-line-mark.js";

const paletteHighlighter = tagHighlighter([
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword], class: "itt-tok-keyword" },
  { tag: [tags.string, tags.special(tags.string)], class: "itt-tok-string" },
  { tag: [tags.number, tags.bool, tags.null], class: "itt-tok-number" },
  { tag: [tags.comment, tags.lineComment], class: "itt-tok-comment" },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName), tags.definition(tags.variableName)], class: "itt-tok-function" },
  { tag: [tags.operator, tags.punctuation], class: "itt-tok-operator" },
  { tag: [tags.className, tags.self], class: "itt-tok-constant" },
]);

/**
 * Create an editor in `parent` holding `source`, with the book's folds and the failing-line
 * mark. `onRun()` is called on Shift+Enter, `onChange(text)` after each edit.
 * Returns {view, getSource(), setSource(text), markErrorLine(number or null),
 * showFolds(folded)}.
 */
export function createEditor(parent, source, { label, onRun, onChange = () => {} }) {
  const runKey = Prec.highest(keymap.of([{ key: "Shift-Enter", run: () => { onRun(); return true; } }]));
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: source,
      extensions: [
        runKey,
        lineNumbers(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        // Wrapped lines: the editor never scrolls sideways, so it is no scroll region a
        // keyboard user would have to reach (axe: scrollable-region-focusable).
        EditorView.lineWrapping,
        python(),
        syntaxHighlighting(paletteHighlighter),
        // No Tab capture: Tab keeps moving focus, so keyboard users are never trapped.
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({ "aria-label": label }),
        foldingExtension(),
        errorLineExtension(),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getSource: () => view.state.doc.toString(),
    setSource: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    markErrorLine: (number) => markErrorLine(view, number),
    showFolds: (folded) => {
      if (folded) foldPlumbing(view);
      else unfoldAll(view);
      view.requestMeasure();
    },
  };
}
