// The Python worker: one Pyodide 0.17.1 interpreter that runs every demo on the site.
//
// Protocol (every message carries the id of the request it answers; errors are data):
//   page -> worker  {id, type: "init", pyodideBase, pythonZip, interruptBuffer?}
//                   {id, type: "run", source, filename}
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

async function initialise({ pyodideBase, pythonZip, interruptBuffer: buffer }) {
  // The zip is fetched while the interpreter boots: the two downloads overlap.
  const zipPromise = fetchBytes(pythonZip);
  zipPromise.catch(() => {}); // awaited below; this avoids an unhandled-rejection report
  progress(1, "Python runtime");
  self.importScripts(`${pyodideBase}pyodide.js`);
  pyodide = await self.loadPyodide({ indexURL: pyodideBase });
  // Only NumPy: the book's figures are data drawn by the page (web/figures.js), and
  // Matplotlib loads only for a reader's code that imports it (runDemo).
  progress(2, "NumPy");
  await pyodide.loadPackage(["numpy"], () => {}, () => {});
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
}


async function runDemo(id, source, filename) {
  // Matplotlib costs ~15 MB and ~1.5 s: load it only for a demo whose code imports it.
  await pyodide.loadPackagesFromImports(source, (text) => progressMessage(id, text), () => {});
  self.postMessage({ id, type: "started" });
  if (interruptBuffer) {
    interruptBuffer[0] = 0;
  }
  const onOutput = (kind, text) => self.postMessage({ id, type: kind, text });
  return JSON.parse(runPython(source, filename, onOutput));
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
