// The first script of a page with demos (built as itt-boot.js, written inline at the top of
// <head> by overrides/main.html, so it needs no request of its own): it starts
// Python's worker and has it begin loading Pyodide and NumPy before the page's stylesheets,
// its HTML and its other scripts have loaded, so the slowest part of the first live result
// overlaps them instead of following them. runtime.js adopts this worker for its first start
// and then sends it "init" (the seal, python.zip and the interrupt buffer) as usual.
// It also holds back Material's search index until Python is ready (search-gate.js), as the
// index's download and build would compete with Pyodide's.
//
// Its two URLs come from the script element's own data attributes (overrides/main.html), as
// the page's other configuration is parsed only later.

import { TO_WORKER } from "./protocol.js";
import { holdSearchIndex } from "./search-gate.js";

const script = document.currentScript;
if (script && script.dataset.worker && script.dataset.pyodide) {
  const worker = new Worker(new URL(script.dataset.worker, location.href).href);
  // An error before runtime.js takes the worker over (its script failed to load) is kept,
  // so the runtime can report it instead of waiting for an answer that never comes.
  worker.addEventListener("error", (event) => {
    worker.ittBootError = event.message || "the worker's script could not be loaded";
  });
  worker.postMessage({
    type: TO_WORKER.BOOT,
    pyodideBase: new URL(script.dataset.pyodide, location.href).href,
  });
  self.__ittBootWorker = worker;
  holdSearchIndex();
}
