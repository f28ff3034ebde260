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
//
// The worker's script is in the page too (<script id="itt-worker-source" type="text/plain">,
// the built itt-worker.js), and the worker starts from it as a blob URL: no request. Fetched,
// the worker's script was held back 0.2-0.4 s on a chapter page while its stylesheets and
// fonts loaded (Chromium over HTTP/1.1), and Pyodide's downloads waited for it. The worker
// resolves every URL it is given against the page (they are absolute), never its own.

import { BOOT_NAME } from "./protocol.js";
import { holdSearchIndex } from "./search-gate.js";

const script = document.currentScript;
if (script && script.dataset.worker && script.dataset.pyodide) {
  const inline = document.getElementById("itt-worker-source");
  const fileUrl = new URL(script.dataset.worker, location.href).href;
  const name = `${BOOT_NAME}${new URL(script.dataset.pyodide, location.href).href}`;
  let worker;
  try {
    const blobUrl = URL.createObjectURL(new Blob([inline.textContent], { type: "text/javascript" }));
    worker = new Worker(blobUrl, { name }); // the URL stays valid for the page's life (6 kB)
  } catch (error) {
    // No inline copy, or a host's policy refuses blob: workers: the file, as before.
    worker = new Worker(fileUrl, { name });
  }
  // An error before runtime.js takes the worker over (its script failed to load) is kept,
  // so the runtime starts another instead of waiting for an answer that never comes.
  worker.addEventListener("error", (event) => {
    worker.ittBootError = event.message || "the worker's script could not be loaded";
  });
  self.__ittBootWorker = worker;
  holdSearchIndex();
}
