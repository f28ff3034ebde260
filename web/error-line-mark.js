// The failing line of a run, marked in the CodeMirror editor (part of the editor bundle,
// editor.js); error-line.js finds the line in the traceback.

import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView } from "@codemirror/view";

const setErrorLine = StateEffect.define();
const errorMark = Decoration.line({ class: "itt-error-line", attributes: { title: "The line the error was raised on" } });

/** The editor extension that holds the marked line (cleared by any edit). */
export function errorLineExtension() {
  return StateField.define({
    create: () => Decoration.none,
    update(marks, transaction) {
      let next = transaction.docChanged ? Decoration.none : marks;
      for (const effect of transaction.effects) {
        if (effect.is(setErrorLine)) {
          const number = effect.value;
          next = number && number <= transaction.state.doc.lines
            ? Decoration.set([errorMark.range(transaction.state.doc.line(number).from)])
            : Decoration.none;
        }
      }
      return next;
    },
    provide: (field) => EditorView.decorations.from(field),
  });
}

/** Mark line `number` (1-based) of `view`, or clear the mark with null. */
export function markErrorLine(view, number) {
  view.dispatch({ effects: setErrorLine.of(number) });
}
