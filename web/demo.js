// Turning one server-rendered `.itt-demo` root into a live demo (DOM contract in
// CONTRIBUTING.md): editor, Run / Stop / Reset, controls, progress, output.

import { LazyEditor } from "./lazy-editor.js";
import { buildControls, rewriteParam } from "./controls.js";
import { OutputView } from "./output.js";
import { presentDemo } from "./presentation.js";
import { RunIndicator, labelLive } from "./run-state.js";
import { editSaver, keepAndShare, paramsFromSource } from "./persist.js";
import { failingLine } from "./error-line.js";

const RERUN_DELAY_MS = 250;
let demoCounter = 0;

function button(label, className) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = `itt-demo-button ${className}`;
  node.textContent = label;
  return node;
}

function statusText(status) {
  switch (status.state) {
    case "loading":
      return `Loading Python: ${status.label} (step ${status.step + 1} of ${status.steps})`;
    case "loading-package":
      // Only a reader's own imports load packages (Matplotlib, say): the book's demos need
      // nothing beyond the NumPy that loads with Python.
      return `${status.label} for this code (first use only, a few seconds)…`;
    case "failed":
      return `Python failed to load: ${status.label}`;
    case "ready":
      return "Python ready";
    default:
      return "";
  }
}

/** The demo's build-time meta JSON from its <template class="itt-demo-meta">. */
function readMeta(root) {
  const node = root.querySelector(".itt-demo-meta");
  if (!node) return {};
  const text = node.content ? node.content.textContent : node.textContent;
  try {
    return JSON.parse(text);
  } catch (error) {
    console.warn(`demo ${root.dataset.demo}: unreadable meta JSON`, error);
    return {};
  }
}

export function enhanceDemo(root, runtime) {
  if (root.dataset.demoEnhanced) return;
  root.dataset.demoEnhanced = "true";
  demoCounter += 1;
  const demoId = root.dataset.demo;
  const prefix = `itt-demo-${demoCounter}`;
  const meta = readMeta(root);
  const pre = root.querySelector("pre.itt-demo-source");
  const original = pre ? pre.textContent.replace(/\n$/, "") : "";
  const filename = `demos/${demoId}.py`;
  const area = root.querySelector("[data-demo-output]");
  const output = new OutputView(area, demoId);
  const buildOutput = [...area.childNodes]; // Reset brings these back

  const editorHost = document.createElement("div");
  editorHost.className = "itt-demo-editor";
  pre.replaceWith(editorHost);
  editorHost.append(pre); // shown until the editor is built (lazy-editor.js)
  const editor = new LazyEditor(editorHost, original, {
    label: `Code of demo ${demoId}`, onRun: () => run(), onChange: editSaver(demoId, original),
  }, root);

  const toolbar = document.createElement("div");
  toolbar.className = "itt-demo-toolbar";
  const runButton = button("Run", "itt-demo-run");
  const stopButton = button("Stop", "itt-demo-stop");
  const resetButton = button("Reset", "itt-demo-reset");
  const restartButton = button("Restart Python", "itt-demo-restart");
  runButton.title = "Run (Shift+Enter)";
  restartButton.title = "Start a fresh Python for every demo (stops what is running)";
  stopButton.disabled = true;
  const status = document.createElement("span");
  status.className = "itt-demo-status";
  status.setAttribute("role", "status");
  const bar = document.createElement("progress");
  bar.className = "itt-demo-progress";
  bar.setAttribute("aria-label", `Python loading progress for ${demoId}`);
  bar.hidden = true;
  const indicator = new RunIndicator();
  toolbar.append(runButton, stopButton, resetButton, restartButton, bar, indicator.node, status);
  editorHost.after(toolbar);

  const bookParams = Array.isArray(meta.params) ? meta.params : [];
  let params = bookParams; // the values of the code shown (a kept or shared version's)
  let controlsHost = null;
  let rerunTimer = null;
  function onParamChange(param, value) {
    editor.setSource(rewriteParam(editor.getSource(), param, value));
    clearTimeout(rerunTimer);
    rerunTimer = setTimeout(run, RERUN_DELAY_MS);
  }
  // A control the page cannot build (the build validates them: this is a last resort)
  // costs this demo its controls, never its Run button or the other demos.
  function buildControlsSafely() {
    try {
      buildControls(controlsHost, params, prefix, onParamChange);
    } catch (error) {
      console.warn(`demo ${demoId}: controls could not be built`, error);
      controlsHost.replaceChildren();
      controlsHost.textContent = "The controls of this demo could not be built; edit the code instead.";
    }
  }
  if (params.length) {
    controlsHost = document.createElement("div");
    controlsHost.className = "itt-demo-controls";
    buildControlsSafely();
    toolbar.after(controlsHost);
  }
  // Output first, code on demand: caption, controls, toolbar, output, then the folded code.
  const presented = presentDemo(root, { editor, editorHost, toolbar, controlsHost, area, source: original, demoId });
  // Kept (localStorage), shared (link) and taken away (downloads): persist.js.
  const kept = keepAndShare({
    root, demoId, original, editor, result: meta.result,
    codeBar: root.querySelector(".itt-demo-code-bar"),
    restore(code) {
      editor.setSource(code);
      params = paramsFromSource(bookParams, code);
      if (controlsHost) {
        controlsHost.replaceChildren();
        buildControlsSafely();
      }
    },
  });

  let current = null; // id of this demo's run in flight
  let queued = false; // a run was asked for while one was in flight
  let runs = 0;

  const unsubscribe = runtime.onStatus((state) => {
    if (!root.isConnected) {
      unsubscribe();
      return;
    }
    const text = statusText(state);
    status.textContent = text;
    const loading = state.state === "loading";
    bar.hidden = !loading;
    if (loading) {
      bar.max = state.steps;
      bar.value = state.step;
    }
  });

  async function run() {
    if (current !== null) {
      queued = true;
      return;
    }
    root.dataset.demoState = "running";
    runButton.disabled = true;
    stopButton.disabled = false;
    const started = performance.now();
    indicator.start();
    let begun = false;
    const onOutput = (kind, text) => {
      if (!begun) {
        output.begin();
        labelLive(area);
        begun = true;
      }
      output.append(text, kind);
    };
    // Recorded before anything is awaited: Stop and the one-run guard see a run at once,
    // even while Python is still starting.
    const { id, outcome: pending } = runtime.run(editor.getSource(), filename, onOutput, root);
    current = id;
    let outcome;
    try {
      outcome = await pending;
      if (!begun) output.begin();
      output.finish(outcome);
      labelLive(area);
    } catch (error) {
      outcome = { result: null, error: String(error), stopped: false };
      output.begin();
      output.finish({ stdout: "", figures: [], result: null, stopped: false, seconds: 0,
        error: `The page could not show this run: ${error}` });
    } finally {
      current = null;
      runs += 1;
      indicator.finish(outcome);
      const failing = outcome.error && !outcome.stopped ? failingLine(outcome.error, filename) : null;
      // A failing line is shown in the editor (built for it); a clean run clears a shown one.
      editor.markErrorLine(failing);
      runButton.disabled = false;
      stopButton.disabled = true;
    }
    root.dataset.demoResult = JSON.stringify(outcome.result ?? null);
    root.dataset.demoSeconds = String((performance.now() - started) / 1000);
    root.dataset.demoRuns = String(runs);
    root.dataset.demoState = outcome.stopped ? "stopped" : outcome.error ? "error" : "done";
    performance.mark("itt-demo-result", { detail: { demo: demoId, runs } });
    if (queued) {
      queued = false;
      run();
    }
  }

  runButton.addEventListener("click", () => run());
  stopButton.addEventListener("click", () => {
    queued = false;
    clearTimeout(rerunTimer);
    if (current !== null) runtime.stop(current);
  });
  restartButton.addEventListener("click", () => {
    queued = false;
    clearTimeout(rerunTimer);
    runtime.restartPython();
  });
  resetButton.addEventListener("click", () => {
    editor.setSource(original);
    params = bookParams;
    kept.forget();
    presented.setExpanded(false);
    if (current === null) {
      area.replaceChildren(...buildOutput);
      indicator.clear();
    }
    if (controlsHost) {
      controlsHost.replaceChildren();
      buildControlsSafely();
    }
  });
  root.ittRun = run;
}
