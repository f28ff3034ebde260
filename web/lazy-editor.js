// A demo's editor, built when it is needed instead of when the page loads.
//
// Building a CodeMirror view makes the browser lay out the whole page (CodeMirror reads the
// DOM selection and measures itself), about 20-40 ms each on a long chapter, and a page load
// that built every demo's editor at once slowed Python's start on a 2-core machine (chapter 04:
// 7 editors, about 0.1 s of its first live result, bench/bench_page.py). Until it is built, the
// server-rendered <pre> of the source stands in its place, with the same text.
//
// An editor is built, at most once, when the first of these happens:
// - its demo comes within a screen's height of the viewport (IntersectionObserver);
// - the reader reaches for the code (focus on the stand-in, which a click or Tab gives it;
//   "Show all code") or a run needs it (marking a failing line);
// - Python is ready and the page is idle (buildEditorsWhenIdle): the rest, one per idle moment.

import { createEditor } from "./editor.js";
import { whenIdle } from "./idle.js";

const NEAR_SCREEN = "100% 0px"; // a screen's height above and below the viewport
const waiting = new Set(); // LazyEditors not built yet, in page order
let observer = null;
let building = false; // the idle chain of buildEditorsWhenIdle is running

/** Build `editor`; a failure costs only that demo its editor (its source stays shown). */
function buildSafely(editor) {
  try {
    editor.build();
  } catch (error) {
    console.warn("a demo's editor could not be built; its source stays as text", error);
  }
}

function nearScreenObserver() {
  if (!observer && typeof IntersectionObserver === "function") {
    observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting && entry.target.ittLazyEditor) buildSafely(entry.target.ittLazyEditor);
      }
    }, { rootMargin: NEAR_SCREEN });
  }
  return observer;
}

export class LazyEditor {
  /**
   * An editor for `host` (which holds the source's <pre>), holding `source`; `options` are
   * createEditor's. `watched` is the element whose nearness to the screen builds it.
   */
  constructor(host, source, options, watched) {
    this.host = host;
    this.text = source; // the text while there is no view
    this.options = options;
    this.watched = watched;
    this.view = null;
    this.onBuilt = [];
    waiting.add(this);
    watched.ittLazyEditor = this;
    const near = nearScreenObserver();
    if (near) near.observe(watched);
    // The stand-in is focusable (tabindex, hooks/demo_macros.py): a click or Tab on it builds
    // the editor at once and moves the focus into it.
    host.addEventListener("focusin", () => {
      if (this.view) return;
      this.build();
      this.view.focus();
    });
  }

  /** Stop waiting: drop it from the queue and the observer (its page was left). */
  forget() {
    waiting.delete(this);
    if (observer) observer.unobserve(this.watched);
    delete this.watched.ittLazyEditor;
  }

  /** Build the CodeMirror view now (once); returns it. */
  build() {
    if (this.view) return this.view;
    this.forget();
    const stand = this.standIn();
    const editor = createEditor(this.host, this.text, this.options);
    if (stand) stand.remove();
    this.view = editor.view;
    this.editor = editor;
    for (const callback of this.onBuilt.splice(0)) callback(this.view);
    return this.view;
  }

  /** The server-rendered <pre> shown until the view is built (null after). */
  standIn() {
    return this.host.querySelector("pre.itt-demo-source");
  }

  /** Call `callback(view)` once the view exists (at once if it does). */
  whenBuilt(callback) {
    if (this.view) callback(this.view);
    else this.onBuilt.push(callback);
  }

  getSource() {
    return this.view ? this.editor.getSource() : this.text;
  }

  setSource(text) {
    if (this.view) {
      this.editor.setSource(text);
      return;
    }
    this.text = text;
    const stand = this.standIn();
    // Into its <code>, which carries Material's code-block style.
    if (stand) (stand.querySelector("code") || stand).textContent = text;
  }
}

/**
 * Once `pythonReady` settles, build the editors still waiting (those still on the page), one
 * per idle moment, so that none is built while Python is starting. One chain serves every
 * page view; editors of a page that was left are forgotten.
 */
export function buildEditorsWhenIdle(pythonReady) {
  const buildNext = () => {
    const [next] = waiting;
    if (!next) {
      building = false;
      return;
    }
    if (next.host.isConnected) buildSafely(next);
    else next.forget();
    whenIdle(buildNext);
  };
  Promise.resolve(pythonReady).catch(() => {}).then(() => {
    if (building) return;
    building = true;
    whenIdle(buildNext);
  });
}
