// Start Pyodide's two big downloads, and the compiling of its WebAssembly, as soon as the
// worker starts (web/worker.js, boot), instead of after pyodide.js and pyodide.asm.js.
//
// Pyodide 0.17's loadPyodide first loads pyodide.asm.js (1.9 MB of JavaScript, which the
// worker must parse), and only that script fetches pyodide.asm.wasm (11 MB, compiled as it
// streams in) and pyodide.asm.data (6 MB, the standard library). Measured on a chapter page
// (2 cores, local server), the parse alone put the wasm request 0.3-0.4 s after the
// worker's start. Here both are fetched at once, the wasm compiled as it arrives, and
// Emscripten's own requests are answered with what was fetched: the compiled module, and
// the data file's bytes. (Left to find the data in the HTTP cache, Emscripten's request was
// answered 0.4 s after this download had ended, measured on chapter 04.)
//
// Only for the duration of loadPyodide: `fetch` (for the wasm's URL only),
// `WebAssembly.instantiateStreaming` and `XMLHttpRequest` (for the data's URL only) are put
// back by `restore` once loadPyodide has settled, and each answers from the early download
// once. Anything else passes through untouched; a failed early download sends Emscripten's
// request out as it would have gone.

/**
 * Begin fetching `pyodide.asm.wasm` (compiling it as it arrives) and `pyodide.asm.data`
 * from `pyodideBase` (an absolute URL ending in "/"). Returns `restore()`, which puts back
 * what was patched; call it once loadPyodide has settled.
 *
 * `fetchGenuine` is the worker's own fetch, taken before any code could replace it.
 */
export function startEarly(pyodideBase, fetchGenuine) {
  if (typeof WebAssembly.compileStreaming !== "function"
      || typeof WebAssembly.instantiateStreaming !== "function") {
    return () => {}; // Emscripten takes its own path, as without this module
  }
  const wasmUrl = `${pyodideBase}pyodide.asm.wasm`;
  const dataUrl = `${pyodideBase}pyodide.asm.data`;
  const compiled = WebAssembly.compileStreaming(fetchGenuine(wasmUrl));
  compiled.catch(() => {}); // a failure falls back to Emscripten's own path, below
  const data = fetchGenuine(dataUrl).then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.arrayBuffer();
  });
  data.catch(() => {}); // a failure sends Emscripten's own request (earlyDataRequest)

  const globalFetch = self.fetch;
  const instantiateStreaming = WebAssembly.instantiateStreaming;
  const GenuineRequest = self.XMLHttpRequest;
  const putBackWasm = () => {
    self.fetch = globalFetch;
    WebAssembly.instantiateStreaming = instantiateStreaming;
  };
  const restore = () => {
    putBackWasm();
    self.XMLHttpRequest = GenuineRequest;
  };
  self.XMLHttpRequest = earlyDataRequest(GenuineRequest, dataUrl, data);
  // A stand-in response for Emscripten's wasm request: its body is never read.
  const placeholder = new Response(new Uint8Array(0), {
    headers: { "Content-Type": "application/wasm" },
  });
  self.fetch = (input, init) => {
    if (String(input) === wasmUrl) return Promise.resolve(placeholder);
    return globalFetch(input, init);
  };
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    putBackWasm();
    if (response !== placeholder) return instantiateStreaming.call(WebAssembly, response, imports);
    let module;
    try {
      module = await compiled;
    } catch (error) {
      // The early download or compile failed: do what Emscripten would have done.
      return instantiateStreaming.call(WebAssembly, globalFetch(wasmUrl), imports);
    }
    return { module, instance: await WebAssembly.instantiate(module, imports) };
  };
  return restore;
}

/**
 * An XMLHttpRequest class whose first GET of `dataUrl` is answered with `data` (a promise of
 * its bytes as an ArrayBuffer), as Emscripten's file packager reads it (status, response,
 * onload); if `data` fails, that request goes out. Every other request is a genuine one.
 */
function earlyDataRequest(GenuineRequest, dataUrl, data) {
  let answered = false;
  return class EarlyDataRequest extends GenuineRequest {
    open(method, url, ...rest) {
      this.ittEarly = !answered && method === "GET" && String(url) === dataUrl;
      if (this.ittEarly) answered = true;
      return super.open(method, url, ...rest);
    }

    send(body) {
      if (!this.ittEarly) return super.send(body);
      data.then((buffer) => {
        Object.defineProperty(this, "status", { value: 200 });
        Object.defineProperty(this, "response", { value: buffer });
        if (this.onload) this.onload(new ProgressEvent("load", { loaded: buffer.byteLength }));
      }, () => super.send(body));
      return undefined;
    }
  };
}
