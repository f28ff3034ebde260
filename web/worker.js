// The Python worker: one Pyodide 0.17.1 interpreter that runs every demo on the site.
//
// Protocol (every message carries the id of the request it answers; errors are data; every
// message to the page carries the seal given in "init": see protocol.js):
//   page -> worker  {id, type: "init", seal, pyodideBase, pythonZip, interruptBuffer?}
//                   {id, type: "run", source, filename}
//                   {id, type: "cancel"}                        Stop before the run began: skip it
//   worker -> page  {type: "progress", step, steps, label}      while Python loads
//                   {id, type: "ready"} | {id, type: "failed", message}
//                   {id, type: "started"}                       a run begins executing
//                   {id, type: "output", kind, text}            streamed in batches (demos/stream.py)
//                   {id, type: "outcome", outcome}              run_demo's dict
//                   {id, type: "fatal", message}                the interpreter is dead: restart me
//
// Pyodide 0.17 has `loadPyodide({indexURL})` (dist/pyodide.js) and loads packages with
// importScripts in a worker, so this file must stay a classic (non-module) worker.

import { listen, lockWorkerScope, parseJSON, sealedPoster } from "./worker-guard.js";

lockWorkerScope();
let seal = null; // from "init"; kept in this closure, out of Python's reach
const post = sealedPoster(() => seal);
// Set once the interpreter is unusable: every later run is answered "fatal" at once.
let deadReason = null;
const cancelledRuns = new Set(); // ids the page stopped before they began

const LOAD_STEPS = 4;
let pyodide = null;
let runPython = null; // demos.sandbox.make_entry(): entry(source, filename, on_output) -> JSON str
let interruptBuffer = null;
let readyPromise = null;
// Runs execute one after another: loadPackagesFromImports awaits, and two demos must
// never interleave inside one interpreter.
let runChain = Promise.resolve();

function progress(step, label) {
  post({ type: "progress", step, steps: LOAD_STEPS, label });
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
`;
// The runner's entry point, made once the library is imported: it takes the book's state
// then and restores it around every run (demos/sandbox.py).
const MAKE_ENTRY_PYTHON = "from demos.sandbox import make_entry\nmake_entry()\n";
// pycore/data/ (the shipped models, 1.2 MB) is not in python.zip: the site serves its files
// in pycore-data/ beside the archive (hooks/python_zip.py), and a file is fetched the first
// time Python reads it (pycore.pretrained.fetch_missing_data), so most pages never fetch one.
const DATA_DIR = "/home/pyodide/itt/pycore/data/";
const FETCH_DATA_PYTHON = `
try:
    import pycore.pretrained
except Exception:
    pass  # the reader's runs report why pycore cannot be imported
else:
    pycore.pretrained.fetch_missing_data(_itt_fetch_data)
`;

/** A data file Python found missing, fetched synchronously (Python is waiting) onto its path. */
function dataFetcher(dataBase) {
  return (path) => {
    const file = String(path);
    const name = file.startsWith(DATA_DIR) ? file.slice(DATA_DIR.length) : "";
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) return; // not a shipped data file: stays missing
    const request = new XMLHttpRequest();
    request.open("GET", new URL(name, dataBase).href, false); // a worker may block; the page never does
    request.responseType = "arraybuffer";
    request.send();
    if (request.status !== 200) return;
    const fs = pyodide._module.FS;
    if (!fs.analyzePath(DATA_DIR).exists) fs.mkdirTree(DATA_DIR);
    fs.writeFile(file, new Uint8Array(request.response));
  };
}

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
  const dataBase = new URL("pycore-data/", new URL(pythonZip, self.location.href));
  pyodide.globals.set("_itt_fetch_data", dataFetcher(dataBase));
  pyodide.runPython(FETCH_DATA_PYTHON);
  runPython = pyodide.runPython(MAKE_ENTRY_PYTHON);
  if (buffer) {
    interruptBuffer = buffer;
    pyodide.setInterruptBuffer(interruptBuffer);
  }
  progress(4, "ready");
}


/** An error that means the interpreter can no longer be trusted to run anything. */
class Fatal extends Error {}

/**
 * The runner catches every Python exception of the reader's code and answers a JSON
 * outcome. Anything else (a JavaScript error: "Maximum call stack size exceeded", a fatal
 * error, exit; or a Python error escaping the runner itself) leaves the interpreter dead
 * or unknown, so the page is told to start a fresh one.
 */
function runEntry(source, filename, onOutput) {
  let text;
  try {
    text = runPython(source, filename, onOutput);
  } catch (error) {
    throw new Fatal(describe(error));
  }
  let outcome = null;
  try {
    outcome = parseJSON(text);
  } catch (error) {
    throw new Fatal("the runner answered something that is not JSON");
  }
  return outcome;
}

function describe(error) {
  const text = String((error && error.message) || error);
  const lines = text.split("\n").map((line) => line.trim()).filter(Boolean);
  // A Python traceback ends with the exception; a JavaScript error starts with it.
  const line = /^Traceback/.test(lines[0] || "") ? lines[lines.length - 1] : lines[0];
  // Emscripten's abort() text ("abort(undefined). Build with -s ASSERTIONS=1 ...") says
  // nothing to a reader: Python itself hit a fatal error.
  if (/^(RuntimeError: )?abort\(/.test(line || "")) return "a fatal error inside Python (abort)";
  return (line || "unknown error").slice(0, 300);
}

async function runDemo(id, source, filename) {
  // Matplotlib costs ~15 MB and ~1.5 s: load it only for a demo whose code imports it.
  try {
    await pyodide.loadPackagesFromImports(source, (text) => progressMessage(id, text), () => {});
  } catch (error) {
    // The import scan parses the code: a SyntaxError is reported by the run itself, with
    // the demo's file and line (not the scanner's frames).
  }
  post({ id, type: "started" });
  if (interruptBuffer) {
    interruptBuffer[0] = 0;
  }
  const onOutput = (kind, text) => post({ id, type: "output", kind: String(kind), text: String(text) });
  return runEntry(source, filename, onOutput);
}

function progressMessage(id, text) {
  if (/^Loading /.test(text)) {
    post({ id, type: "package", label: text.replace(/ from .*$/, "") });
  }
}

listen((event) => {
  const message = event.data;
  if (!message || typeof message !== "object") return;
  if (message.type === "init") {
    if (seal === null) seal = String(message.seal);
    readyPromise = readyPromise || initialise(message);
    readyPromise.then(
      () => post({ id: message.id, type: "ready" }),
      (error) => post({ id: message.id, type: "failed", message: String(error && error.stack || error) }),
    );
    return;
  }
  if (message.type === "cancel") {
    cancelledRuns.add(message.id);
    return;
  }
  if (message.type === "run") {
    const { id, source, filename } = message;
    runChain = runChain.then(async () => {
      if (cancelledRuns.delete(id)) return;
      try {
        if (deadReason) throw new Fatal(deadReason);
        await readyPromise;
        const outcome = await runDemo(id, source, filename);
        post({ id, type: "outcome", outcome });
      } catch (error) {
        if (error instanceof Fatal) {
          deadReason = deadReason || error.message;
          post({ id, type: "fatal", message: deadReason });
        } else {
          post({ id, type: "failed", message: String(error && error.message || error) });
        }
      }
    });
  }
});
