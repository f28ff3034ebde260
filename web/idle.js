// Running work when the page's main thread is idle (requestIdleCallback where the browser has
// it), so that it never competes with Python's start or with drawing a result.

const DEFAULT_TIMEOUT_MS = 1000;

/** Call `callback` at the next idle moment, or after `timeout` ms at the latest. */
export function whenIdle(callback, timeout = DEFAULT_TIMEOUT_MS) {
  if (typeof self.requestIdleCallback === "function") self.requestIdleCallback(callback, { timeout });
  else setTimeout(callback, 0);
}
