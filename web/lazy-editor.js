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
// - the reader reaches for the code (a click or focus inside it, "Show all code") or a run
//   needs it (marking a failing line);
// - Python is ready and the page is idle (buildEditorsWhenIdle): the rest, one per idle moment.

import { createEditor } from "./editor.js";

const NEAR_SCREEN = "100% 0px"; // a screen's height above and below the viewport
const IDLE_TIMEOUT_MS = 1000;
const waiting = new Set(); // LazyEditors not built yet, in page order
let observer = null;

function nearScreenObserver() {
  if (!observer && typeof IntersectionObserver === "function") {
    observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting && entry.target.ittLazyEditor) entry.target.ittLazyEditor.build();
      }
    }, { rootMargin: NEAR_SCREEN });
  }
  return observer;
}

function nextIdle(callback) {
  if (typeof requestIdleCallback === "function") requestIdleCallback(callback, { timeout: IDLE_TIMEOUT_MS });
  else setTimeout(callback, 0);
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
    // The reader reaching for the code builds it at once, and keeps their focus in it.
    const reach = () => {
      if (this.view) return;
      this.build();
      this.view.focus();
    };
    host.addEventListener("pointerdown", reach);
    host.addEventListener("focusin", reach);
  }

  /** Build the CodeMirror view now (once); returns it. */
  build() {
    if (this.view) return this.view;
    waiting.delete(this);
    if (observer) observer.unobserve(this.watched);
    delete this.watched.ittLazyEditor;
    const stand = this.host.querySelector("pre.itt-demo-source");
    const editor = createEditor(this.host, this.text, this.options);
    if (stand) stand.remove();
    this.view = editor.view;
    this.editor = editor;
    for (const callback of this.onBuilt.splice(0)) callback(this.view);
    return this.view;
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
    const stand = this.host.querySelector("pre.itt-demo-source");
    if (stand) stand.textContent = text;
  }
}

/**
 * Once `pythonReady` settles, build the editors still waiting (those still on the page), one
 * per idle moment, so that none is built while Python is starting.
 */
export function buildEditorsWhenIdle(pythonReady) {
  const buildNext = () => {
    const [next] = waiting;
    if (!next) return;
    if (next.host.isConnected) next.build();
    else waiting.delete(next); // its page was left (instant navigation)
    nextIdle(buildNext);
  };
  Promise.resolve(pythonReady).catch(() => {}).then(() => nextIdle(buildNext));
}
