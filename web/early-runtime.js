// Start Pyodide's two big downloads, and the compiling of its WebAssembly, as soon as the
// worker starts (web/worker.js, boot), instead of after pyodide.js and pyodide.asm.js.
//
// Pyodide 0.17's loadPyodide first loads pyodide.asm.js (1.9 MB of JavaScript, which the
// worker must parse), and only that script fetches pyodide.asm.wasm (11 MB, compiled as it
// streams in) and pyodide.asm.data (5 MB, the standard library). Measured on a chapter page
// (2 cores, local server), the parse alone put the wasm request 0.3-0.4 s after the
// worker's start. Here the wasm is fetched and compiled at once, and Emscripten's own
// request for it is answered with that compiled module; the data file is fetched at once as
// well, so that Emscripten's request for it finds it in the HTTP cache, or waits for this
// download instead of starting another.
//
// Only for the duration of loadPyodide: `fetch` (for the wasm's URL only) and
// `WebAssembly.instantiateStreaming` are put back by the first instantiateStreaming call, or
// by `restore` once loadPyodide has settled. Anything else passes through untouched.

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
  // Read to the end: the response is then in the HTTP cache for Emscripten's request.
  fetchGenuine(dataUrl).then((response) => response.arrayBuffer()).catch(() => {});

  const globalFetch = self.fetch;
  const instantiateStreaming = WebAssembly.instantiateStreaming;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    self.fetch = globalFetch;
    WebAssembly.instantiateStreaming = instantiateStreaming;
  };
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
    restore();
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
