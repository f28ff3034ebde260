// Holding back Material's search index on a page with demos until Python is ready.
//
// Material's bundle fetches search/search_index.json (about 0.6 MB) as soon as it runs, and
// its search worker then builds the index: both compete with Pyodide's download and start on
// a 2-core machine, which cost chapter 04's first live result about 0.33 s (bench/bench_page.py).
// The request is held until whichever comes first:
// - Python is ready or failed to start (main.js's PYTHON_SETTLED event) and the page is quiet
//   (idle.js's whenQuiet: 2 s later, no demo running, an idle moment): the first results (a
//   reader may have pressed Run before Python was ready) and their figures come first;
// - the reader reaches for search: the query box gets focus (a click, or Material's "/" and
//   "s" shortcuts) or the search toggle changes (the phone layout's search button);
// - FALLBACK_MS have passed, whatever happened.
// Search itself is Material's, unchanged: it only gets its index a little later.

import { whenQuiet } from "./idle.js";

export const PYTHON_SETTLED = "itt-python-settled";
const INDEX_PATH = "/search/search_index.json";
const FALLBACK_MS = 60000; // long: on a slow network the index would compete with Pyodide's download
const OPENED = 1; // XMLHttpRequest.OPENED: opened, not yet sent

function isSearchIndex(address) {
  try {
    const url = new URL(String(address), location.href);
    return url.origin === location.origin && url.pathname.endsWith(INDEX_PATH);
  } catch (error) {
    return false;
  }
}

function isSearchControl(node) {
  return node instanceof Element
    && (node.matches('[data-md-component="search-query"]') || node.id === "__search");
}

/**
 * Hold back the search index's request (see above); call once, before Material's bundle runs.
 * Material requests it with XMLHttpRequest (its `request` helper), so `send` waits for the
 * release; every other request goes out at once. tests/browser/test_search.py checks that the
 * index waits for Python, and that a reader's search releases it at once.
 */
export function holdSearchIndex() {
  const { open, send } = XMLHttpRequest.prototype;
  const held = new WeakSet(); // requests opened for the index
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const onReaderSearch = (event) => {
    if (isSearchControl(event.target)) release();
  };
  const onPythonSettled = () => whenQuiet(release);
  function heldOpen(method, url, ...rest) {
    if (isSearchIndex(url)) held.add(this);
    return open.call(this, method, url, ...rest);
  }
  function heldSend(body) {
    if (!held.has(this)) return send.call(this, body);
    // Sent on release, unless it was aborted (or reopened) meanwhile.
    released.then(() => {
      if (this.readyState === OPENED) send.call(this, body);
    });
    return undefined;
  }
  document.addEventListener("focusin", onReaderSearch, true);
  document.addEventListener("change", onReaderSearch, true);
  self.addEventListener(PYTHON_SETTLED, onPythonSettled);
  const fallback = setTimeout(release, FALLBACK_MS);
  released.then(() => {
    clearTimeout(fallback);
    document.removeEventListener("focusin", onReaderSearch, true);
    document.removeEventListener("change", onReaderSearch, true);
    self.removeEventListener(PYTHON_SETTLED, onPythonSettled);
    if (XMLHttpRequest.prototype.open === heldOpen) XMLHttpRequest.prototype.open = open;
    if (XMLHttpRequest.prototype.send === heldSend) XMLHttpRequest.prototype.send = send;
  });
  XMLHttpRequest.prototype.open = heldOpen;
  XMLHttpRequest.prototype.send = heldSend;
}
