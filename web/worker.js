// The Python worker: one Pyodide 0.17.1 interpreter that runs every demo on the site.
//
// It answers the page in the protocol of protocol.js (message types, load steps, the seal,
// the interrupt buffer). What Python does to get ready is demos/browser.py's `start`, real
// Python that is linted and tested; the one string of Python here only unpacks python.zip
// and imports it.
//
// Pyodide 0.17 has `loadPyodide({indexURL})` (dist/pyodide.js) and loads packages with
// importScripts in a worker, so this file must stay a classic (non-module) worker: esbuild
// bundles its imports into one script (web/build.mjs).

import {
  BOOT_NAME, FROM_WORKER, INTERRUPT, LOAD_LABELS, LOAD_STEPS, TO_WORKER,
} from "./protocol.js";
import { listen, lockWorkerScope, parseJSON, sealedPoster } from "./worker-guard.js";
import { startEarly } from "./early-runtime.js";

lockWorkerScope();
// The built-ins this file uses, taken before any Python exists: a reader's code reaches the
// worker's global scope (`js.String = None`, `js.XMLHttpRequest = None`) and would
// otherwise break every later run's reporting or data fetch until a reload.
const { String, URL, XMLHttpRequest, Uint8Array, Set, Error, Number, RegExp } = self;
const fetchGenuine = self.fetch.bind(self);
const importScriptsGenuine = self.importScripts.bind(self);
let seal = null; // from "init"; kept in this closure, out of Python's reach
const post = sealedPoster(() => seal);
// Set once the interpreter is unusable: every later run is answered "fatal" at once.
let deadReason = null;
const cancelledRuns = new Set(); // ids the page stopped before they began

let pyodide = null;
let pyodideApi = []; // [name, value] of pyodide's public API as loaded
// [package name, a RegExp matching its import name as a word], from Pyodide's packages.json;
// null where that table is missing (another Pyodide): then every run's imports are scanned.
let packageImports = null;
let runPython = null; // demos.browser.start()'s entry(source, filename, on_output) -> JSON str
let interruptBuffer = null;
let readyPromise = null;
// Runs execute one after another: loadPackagesFromImports awaits, and two demos must
// never interleave inside one interpreter.
let runChain = Promise.resolve();

/** Step `step` (1..LOAD_STEPS) of loading Python has begun. */
function progress(step) {
  post({ type: FROM_WORKER.PROGRESS, step, steps: LOAD_STEPS, label: LOAD_LABELS[step - 1] });
}

const ZIP_PATH = "/tmp/itt-python.zip";
const PYTHON_DIR = "/home/pyodide/itt";
// Unpack python.zip onto sys.path; the value is demos.browser.start, called below.
const UNPACK_PYTHON = `
import sys, zipfile
zipfile.ZipFile("${ZIP_PATH}").extractall("${PYTHON_DIR}")
if "${PYTHON_DIR}" not in sys.path:
    sys.path.insert(0, "${PYTHON_DIR}")
import demos.browser
demos.browser.start
`;
// pycore/data/ (the shipped models, 1.2 MB) is not in python.zip: the site serves its files
// in pycore-data/ beside the archive (hooks/python_zip.py), and a file is fetched the first
// time Python reads it (pycore.pretrained.fetch_missing_data), so most pages never fetch one.
const DATA_DIR = `${PYTHON_DIR}/pycore/data/`;

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
  const response = await fetchGenuine(url);
  if (!response.ok) {
    throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

// Loading Pyodide and NumPy, begun as this script runs when web/boot.js named the worker
// (while the page is still parsing), or else by "init": {pyodide, numpy}, two promises.
let booted = null;

/** Begin loading Pyodide and then NumPy from `pyodideBase`, once: the slow part of starting. */
function boot(pyodideBase) {
  if (!booted) {
    const interpreter = (async () => {
      // The wasm and the standard library start downloading now (early-runtime.js).
      let restore = () => {};
      try {
        restore = startEarly(pyodideBase, fetchGenuine);
        // importScripts blocks this thread for the 0.3-0.5 s of parsing pyodide.asm.js: the
        // requests just made go out only once the thread has yielded.
        await new Promise((resolve) => setTimeout(resolve, 0));
        importScriptsGenuine(`${pyodideBase}pyodide.js`);
        pyodide = await self.loadPyodide({ indexURL: pyodideBase });
      } finally {
        restore();
      }
      pyodideApi = Object.entries(pyodide); // put back before each run (keepPyodideApi)
      const table = (pyodide._module.packages || {}).import_name_to_package_name;
      packageImports = table ? Object.entries(table).map(([name, packageName]) => [
        packageName, new RegExp(`\\b${name.replace(/[^A-Za-z0-9_]/g, "\\$&")}\\b`)]) : null;
    })();
    // Only NumPy: the book's figures are data drawn by the page (web/figures.js), and
    // Matplotlib loads only for a reader's code that imports it (runDemo).
    const numpy = interpreter.then(() => pyodide.loadPackage(["numpy"], () => {}, () => {}));
    // Awaited by "init", which reports a failure; until then it must not count as unhandled.
    interpreter.catch(() => {});
    numpy.catch(() => {});
    booted = { pyodide: interpreter, numpy };
  }
  return booted;
}

async function initialise({ pyodideBase, pythonZip, interruptBuffer: buffer }) {
  // The zip is fetched while the interpreter boots: the two downloads overlap.
  const zipPromise = fetchBytes(pythonZip);
  zipPromise.catch(() => {}); // awaited below; this avoids an unhandled-rejection report
  progress(1);
  const booting = boot(pyodideBase);
  await booting.pyodide;
  progress(2);
  await booting.numpy;
  progress(3);
  pyodide._module.FS.writeFile(ZIP_PATH, await zipPromise);
  const start = pyodide.runPython(UNPACK_PYTHON);
  const dataBase = new URL("pycore-data/", new URL(pythonZip, self.location.href));
  try {
    // Raises (a PythonError) if NumPy or pycore cannot be imported: "init" fails with it.
    runPython = start(dataFetcher(dataBase));
  } finally {
    start.destroy();
  }
  if (buffer) {
    interruptBuffer = buffer;
    pyodide.setInterruptBuffer(interruptBuffer);
  }
  progress(4);
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

/**
 * Put back pyodide's public API as it was loaded: reader code can reach it (`js.pyodide`)
 * and replace `loadPackagesFromImports` or `loadPackage`, which every later run relies on.
 */
function keepPyodideApi() {
  for (const [name, value] of pyodideApi) {
    if (pyodide[name] === value) continue;
    try {
      pyodide[name] = value;
    } catch (error) {
      // reported below
    }
    // Made read-only by a run (an assignment that fails silently, or throws): this
    // interpreter cannot be trusted to run anything again.
    if (pyodide[name] !== value) throw new Fatal("an earlier run changed the worker's Python runtime");
  }
}

/**
 * Whether `source` names a package of Pyodide's that is not loaded yet. An import statement
 * spells its module's name, so code that names none of them cannot need a package loaded.
 * (Some import names are common words, "six" or "regex": code that merely says one pays for a
 * scan it did not need, nothing more.)
 */
function namesUnloadedPackage(source) {
  if (packageImports === null) return true;
  const loaded = pyodide.loadedPackages;
  for (const [packageName, importName] of packageImports) {
    if (loaded[packageName] === undefined && importName.test(source)) return true;
  }
  return false;
}

async function runDemo(id, source, filename) {
  keepPyodideApi();
  // Matplotlib costs ~15 MB and ~1.5 s: load it only for a demo whose code imports it. The
  // import scan parses the code in Python (pyodide.find_imports), about 15 ms of a 55 ms
  // rerun (bench/bench_page.py), so it runs only for code that names a package not loaded.
  if (namesUnloadedPackage(source)) {
    try {
      await pyodide.loadPackagesFromImports(source, (text) => progressMessage(id, text), () => {});
    } catch (error) {
      // The import scan parses the code: a SyntaxError is reported by the run itself, with
      // the demo's file and line (not the scanner's frames).
    }
  }
  post({ id, type: FROM_WORKER.STARTED });
  if (interruptBuffer) {
    interruptBuffer[0] = INTERRUPT.NONE;
  }
  const onOutput = (kind, text) => post({
    id, type: FROM_WORKER.OUTPUT, kind: String(kind), text: String(text),
  });
  return runEntry(source, filename, onOutput);
}

function progressMessage(id, text) {
  if (/^Loading /.test(text)) {
    post({ id, type: FROM_WORKER.PACKAGE, label: text.replace(/ from .*$/, "") });
  }
}

listen((event) => {
  const message = event.data;
  if (!message || typeof message !== "object") return;
  if (message.type === TO_WORKER.INIT) {
    if (seal === null) seal = String(message.seal);
    readyPromise = readyPromise || initialise(message);
    readyPromise.then(
      () => post({ id: message.id, type: FROM_WORKER.READY }),
      (error) => {
        console.error("Python could not start", error); // the whole traceback, for developers
        post({ id: message.id, type: FROM_WORKER.FAILED, message: describe(error) });
      },
    );
    return;
  }
  if (message.type === TO_WORKER.CANCEL) {
    cancelledRuns.add(message.id);
    return;
  }
  if (message.type === TO_WORKER.PING) {
    // Answered at once, with no promise involved: the page learns that the event loop is
    // free (no run is executing), even if a run broke the worker's promises.
    post({ type: FROM_WORKER.PONG, n: Number(message.n) || 0 });
    return;
  }
  if (message.type === TO_WORKER.RUN) {
    const { id, source, filename } = message;
    runChain = runChain.then(async () => {
      if (cancelledRuns.delete(id)) return;
      try {
        await readyPromise;
      } catch (error) {
        post({ id, type: FROM_WORKER.FAILED, message: `Python could not start: ${describe(error)}` });
        return;
      }
      try {
        if (deadReason) throw new Fatal(deadReason);
        const outcome = await runDemo(id, source, filename);
        post({ id, type: FROM_WORKER.OUTCOME, outcome });
      } catch (error) {
        if (error instanceof Fatal) {
          deadReason = deadReason || error.message;
          post({ id, type: FROM_WORKER.FATAL, message: deadReason });
        } else {
          post({ id, type: FROM_WORKER.FAILED, message: String(error && error.message || error) });
        }
      }
    });
  }
});

// Started by web/boot.js: begin loading at once (protocol.js, BOOT_NAME).
if (String(self.name).startsWith(BOOT_NAME)) {
  boot(String(self.name).slice(BOOT_NAME.length));
}
