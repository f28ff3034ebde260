// The Python worker: one Pyodide 0.17.1 interpreter that runs every demo on the site.
//
// Protocol (every message carries the id of the request it answers; errors are data):
//   page -> worker  {id, type: "init", pyodideBase, pythonZip, interruptBuffer?}
//                   {id, type: "run", source, filename}
//                   {type: "preload", packages}                 e.g. ["matplotlib"], in the background
//   worker -> page  {type: "progress", step, steps, label}      while Python loads
//                   {id, type: "ready"} | {id, type: "failed", message}
//                   {id, type: "started"}                       a run begins executing
//                   {id, type: "stdout", text}                  streamed as the demo prints
//                   {id, type: "outcome", outcome}              run_demo's dict
//
// Pyodide 0.17 has `loadPyodide({indexURL})` (dist/pyodide.js) and loads packages with
// importScripts in a worker, so this file must stay a classic (non-module) worker.

const LOAD_STEPS = 4;
let pyodide = null;
let runPython = null; // the Python-side `_itt_run(source, filename, on_output) -> JSON str`
let interruptBuffer = null;
let readyPromise = null;
// Runs execute one after another: loadPackagesFromImports awaits, and two demos must
// never interleave inside one interpreter.
let runChain = Promise.resolve();

function progress(step, label) {
  self.postMessage({ type: "progress", step, steps: LOAD_STEPS, label });
}

const RECURSION_LIMIT = 360;
const SETUP_PYTHON = `
import io, json, os, sys, zipfile
os.environ["MPLBACKEND"] = "Agg"
# Pyodide sizes the limit from the JS stack (207 in a Chromium worker), too low for
# Matplotlib's draw with bbox_inches="tight"; 400 plain frames measured safe in a worker.
sys.setrecursionlimit(max(sys.getrecursionlimit(), ${RECURSION_LIMIT}))
_itt_dir = "/home/pyodide/itt"
zipfile.ZipFile("/tmp/itt-python.zip").extractall(_itt_dir)
if _itt_dir not in sys.path:
    sys.path.insert(0, _itt_dir)
from demos.runner import run_demo as _itt_run_demo

def _itt_run(source, filename, on_output):
    return json.dumps(_itt_run_demo(source, filename=filename, on_output=on_output))
`;

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function initialise({ pyodideBase, pythonZip, interruptBuffer: buffer, packages = [] }) {
  // The zip is fetched while the interpreter boots: the two downloads overlap.
  const zipPromise = fetchBytes(pythonZip);
  zipPromise.catch(() => {}); // awaited below; this avoids an unhandled-rejection report
  progress(1, "Python runtime");
  self.importScripts(`${pyodideBase}pyodide.js`);
  pyodide = await self.loadPyodide({ indexURL: pyodideBase });
  // A page that draws fetches and unpacks Matplotlib together with NumPy: one loadPackage
  // call resolves the whole dependency closure at once and overlaps the downloads, which
  // is faster than loading Matplotlib after NumPy (measured with bench/bench_page.py).
  const drawsFigures = packages.includes("matplotlib");
  progress(2, drawsFigures ? "NumPy and Matplotlib" : "NumPy");
  await pyodide.loadPackage(drawsFigures ? ["numpy", "matplotlib"] : ["numpy"], () => {}, () => {});
  progress(3, "pycore");
  pyodide._module.FS.writeFile("/tmp/itt-python.zip", await zipPromise);
  pyodide.runPython(SETUP_PYTHON);
  // Importing here (not in the first demo) keeps the first result fast.
  pyodide.runPython("import numpy\ntry:\n    import pycore\nexcept Exception:\n    pass\n");
  runPython = pyodide.globals.get("_itt_run");
  if (buffer) {
    interruptBuffer = buffer;
    pyodide.setInterruptBuffer(interruptBuffer);
  }
  progress(4, "ready");
  preload(packages);
}

/**
 * Load `packages` without holding up runs that do not need them. A run that imports one
 * waits anyway: Pyodide chains loadPackage calls. Once loaded, pyplot is imported and one
 * tiny figure is drawn between runs (fonts, Agg), so the first real figure does not pay for
 * Matplotlib's start-up either.
 */
let matplotlibWarm = false;
const WARM_MATPLOTLIB = `
import io
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as _itt_plt
_itt_figure = _itt_plt.figure(figsize=(1, 1))
_itt_figure.gca().set_title("warm-up")
_itt_figure.savefig(io.BytesIO(), format="png")
_itt_plt.close(_itt_figure)
del _itt_figure, _itt_plt
`;

function preload(packages) {
  const wanted = packages.filter((name) => !(name in pyodide.loadedPackages));
  const loading = wanted.length ? pyodide.loadPackage(wanted, () => {}, () => {}) : Promise.resolve();
  loading.then(() => {
    if (packages.includes("matplotlib") && !matplotlibWarm) {
      matplotlibWarm = true;
      runChain = runChain.then(() => pyodide.runPython(WARM_MATPLOTLIB)).catch(() => {});
    }
  }, () => {});
}

function needsMatplotlib(outcome) {
  return Boolean(outcome.error) && /No module named '(matplotlib|PIL|dateutil|cycler|kiwisolver|pyparsing)/.test(outcome.error);
}

async function runDemo(id, source, filename) {
  // Matplotlib costs ~15 MB and ~1.5 s: load it only for a demo whose code imports it.
  await pyodide.loadPackagesFromImports(source, (text) => progressMessage(id, text), () => {});
  self.postMessage({ id, type: "started" });
  if (interruptBuffer) {
    interruptBuffer[0] = 0;
  }
  const onOutput = (kind, text) => self.postMessage({ id, type: kind, text });
  let outcome = JSON.parse(runPython(source, filename, onOutput));
  if (needsMatplotlib(outcome)) {
    // pycore or exercises imported Matplotlib indirectly, which the import scan cannot see.
    await pyodide.loadPackage(["matplotlib"], () => {}, () => {});
    self.postMessage({ id, type: "restart-output" });
    outcome = JSON.parse(runPython(source, filename, onOutput));
  }
  return outcome;
}

function progressMessage(id, text) {
  if (/^Loading /.test(text)) {
    self.postMessage({ id, type: "package", label: text.replace(/ from .*$/, "") });
  }
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "init") {
    readyPromise = readyPromise || initialise(message);
    readyPromise.then(
      () => self.postMessage({ id: message.id, type: "ready" }),
      (error) => self.postMessage({ id: message.id, type: "failed", message: String(error && error.stack || error) }),
    );
    return;
  }
  if (message.type === "preload") {
    readyPromise.then(() => preload(message.packages), () => {});
    return;
  }
  if (message.type === "run") {
    const { id, source, filename } = message;
    runChain = runChain.then(async () => {
      try {
        await readyPromise;
        const outcome = await runDemo(id, source, filename);
        self.postMessage({ id, type: "outcome", outcome });
      } catch (error) {
        self.postMessage({ id, type: "failed", message: String(error && error.message || error) });
      }
    });
  }
};
