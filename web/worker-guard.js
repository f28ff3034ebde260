// The worker's defences against the reader's code that runs inside it (issue 15).
//
// Python in Pyodide reaches the worker's global scope (`js.self`), so a demo could replace
// `self.postMessage` or `JSON.parse` (and change what the worker reports), flood the page
// with messages, or call `self.close()` and leave every later run unanswered. Before any
// Python exists, this module keeps the genuine `postMessage`, `addEventListener` and
// `JSON.parse` for the worker's own use, and turns `postMessage` and `close` into no-ops
// for everyone else. What it cannot stop is listed in CONTRIBUTING.md ("Results and
// badges").

const genuinePost = self.postMessage.bind(self);
const genuineListen = self.addEventListener.bind(self);
/** JSON.parse as it was before any reader code ran. */
export const parseJSON = JSON.parse.bind(JSON);

/** Make `self.close()` and `self.postMessage()` no-ops for code other than the worker's. */
export function lockWorkerScope() {
  const ignore = () => {};
  for (const target of [self, Object.getPrototypeOf(self)]) {
    for (const name of ["close", "postMessage"]) {
      try {
        Object.defineProperty(target, name, { value: ignore, writable: false, configurable: false });
      } catch (error) {
        // Already locked, or not configurable in this browser: nothing more to do.
      }
    }
  }
}

/** A poster that attaches `getSeal()` to every message (protocol.js explains the seal). */
export function sealedPoster(getSeal) {
  return (message) => genuinePost({ ...message, seal: getSeal() });
}

/**
 * Listen to the page's messages with the genuine addEventListener. Only trusted events
 * reach `handler`: reader code can `dispatchEvent` a synthetic "run" message to this very
 * worker, but such an event has `isTrusted === false`.
 */
export function listen(handler) {
  genuineListen("message", (event) => {
    if (event.isTrusted) handler(event);
  });
}
