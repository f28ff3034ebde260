// A demo's editor, built when it is needed instead of when the page loads.
//
// The editor is CodeMirror: a bundle of its own (itt-editor.js, about 0.4 MB), loaded when the
// first editor is built. Building a view also makes the browser lay out the whole page
// (CodeMirror reads the DOM selection and measures itself), about 20-40 ms each on a long
// chapter. Both would compete with Python's start on a 2-core machine, and neither is needed
// to read: until its editor is built, the server-rendered <pre> of a demo's source stands in
// its place, with the same text in Material's code-block style, its lines wrapped.
//
// An editor is built, at most once, when the first of these happens:
// - the reader reaches for the code (focus on the stand-in, which a click or Tab gives it;
//   "Show all code") or a run needs it (marking a failing line): at once;
// - Python is ready and the page is quiet (2 s later, no demo running, idle: idle.js's
//   whenQuiet, so a reader's first results come first): the editors near the screen, then
//   the rest, one per idle moment; after that, an editor is built as its demo comes within a
//   screen's height of the viewport.

import { whenIdle, whenQuiet } from "./idle.js";
import { loadBundle } from "./load-script.js";

const NEAR_SCREEN = "100% 0px"; // a screen's height above and below the viewport
const waiting = new Set(); // LazyEditors not built yet, in page order
const nearScreen = new Set(); // the waiting ones whose demo is near the viewport
let bundleUrl = null; // itt-editor.js (useEditorBundle)
let observer = null;
let released = false; // Python is ready: near-screen editors are built as they come near
let building = false; // the idle chain of buildEditorsWhenIdle is running

/** Where the editor bundle is (config.editorUrl), set once by main.js. */
export function useEditorBundle(url) {
  bundleUrl = url;
}

/** Build `editor`; a failure (reported by build) costs only that demo its editor. */
function buildSafely(editor) {
  return editor.build().catch(() => {});
}

function nearScreenObserver() {
  if (!observer && typeof IntersectionObserver === "function") {
    observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const editor = entry.target.ittLazyEditor;
        if (!editor) continue;
        if (!entry.isIntersecting) nearScreen.delete(editor);
        else if (released) buildSafely(editor);
        else nearScreen.add(editor);
      }
    }, { rootMargin: NEAR_SCREEN });
  }
  return observer;
}

export class LazyEditor {
  /**
   * An editor for `host` (which holds the source's <pre>), holding `source`; `options` are
   * createEditor's (editor.js). `watched` is the element whose nearness to the screen counts.
   */
  constructor(host, source, options, watched) {
    this.host = host;
    this.text = source; // the text while there is no view
    this.options = options;
    this.watched = watched;
    this.view = null;
    this.editor = null;
    this.building = null; // the promise of the view, once a build has begun
    this.onBuilt = [];
    waiting.add(this);
    watched.ittLazyEditor = this;
    const near = nearScreenObserver();
    if (near) near.observe(watched);
    this.errorLine = null; // the failing line to mark once built (the latest run's)
    // The stand-in is focusable (tabindex, hooks/demo_macros.py): a click or Tab on it builds
    // the editor at once, and the focus moves into it if it is still on the stand-in then.
    host.addEventListener("focusin", () => {
      if (!this.view) buildSafely(this);
    });
  }

  /** Stop waiting: drop it from the queues and the observer (built, or its page was left). */
  forget() {
    waiting.delete(this);
    nearScreen.delete(this);
    if (observer) observer.unobserve(this.watched);
    delete this.watched.ittLazyEditor;
  }

  /**
   * Build the CodeMirror view (once), loading the editor bundle first if need be; resolves to
   * the view. A failure is reported here, and the source stays shown as text.
   */
  build() {
    if (this.view) return Promise.resolve(this.view);
    if (!this.building) {
      this.forget();
      this.building = loadBundle(bundleUrl, "ittEditor").then((api) => this.create(api));
      this.building.catch((error) => {
        console.warn("a demo's editor could not be built; its source stays as text", error);
        this.building = null; // a later need may try again
      });
    }
    return this.building;
  }

  create(api) {
    const stand = this.standIn();
    const focused = Boolean(stand && stand.contains(document.activeElement));
    const editor = api.createEditor(this.host, this.text, this.options);
    if (stand) stand.remove();
    this.editor = editor;
    this.view = editor.view;
    if (focused) this.view.focus();
    if (this.errorLine !== null) editor.markErrorLine(this.errorLine);
    for (const callback of this.onBuilt.splice(0)) {
      try {
        callback(this.view);
      } catch (error) {
        console.warn("a demo's editor could not be set up in full", error);
      }
    }
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

  /** Fold the book's plumbing (`folded`) or show every line; once the view exists. */
  showFolds(folded) {
    if (this.editor) this.editor.showFolds(folded);
  }

  /**
   * Mark line `number` as the failing one (building the editor for it), or clear the mark
   * with null. Only the latest call counts, whenever the editor is built.
   */
  markErrorLine(number) {
    this.errorLine = number;
    if (this.editor) this.editor.markErrorLine(number);
    else if (number !== null && this.host.isConnected) buildSafely(this);
  }
}

/**
 * Once `pythonReady` settles and the page is quiet (whenQuiet), build the editors near the
 * screen, then the others still waiting, one per idle moment, so that none is built (nor
 * CodeMirror loaded) while Python starts or a first result is shown. One chain serves every
 * page view; editors of a page that was left are forgotten.
 */
export function buildEditorsWhenIdle(pythonReady) {
  released = false; // a new page view: its editors wait for a quiet page too
  const buildNext = () => {
    const [next] = [...nearScreen, ...waiting];
    if (!next || !released) {
      building = false;
      return;
    }
    if (next.host.isConnected) buildSafely(next).then(() => whenIdle(buildNext));
    else {
      next.forget();
      whenIdle(buildNext);
    }
  };
  Promise.resolve(pythonReady).catch(() => {}).then(() => whenQuiet(() => {
    released = true;
    if (building) return;
    building = true;
    buildNext();
  }));
}
