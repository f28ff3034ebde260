// Running work when the page's main thread is idle (requestIdleCallback where the browser has
// it), so that it never competes with Python's start or with drawing a result.

const DEFAULT_TIMEOUT_MS = 1000;

/** Call `callback` at the next idle moment, or after `timeout` ms at the latest. */
export function whenIdle(callback, timeout = DEFAULT_TIMEOUT_MS) {
  if (typeof self.requestIdleCallback === "function") self.requestIdleCallback(callback, { timeout });
  else setTimeout(callback, 0);
}

const QUIET_MS = 2000; // after Python is ready: the first results (a reader may have pressed Run)
const RUNNING_DEMO = '.itt-demo[data-demo-state="running"]';

/**
 * Call `callback` once the page is quiet: QUIET_MS from now, then at an idle moment when no
 * demo is running (looking again every QUIET_MS / 4 while one is). For work that can wait
 * until a reader's first results are shown: Material's search index (search-gate.js), the
 * editors (lazy-editor.js), drawing the build-time figures (figure-schedule.js).
 */
export function whenQuiet(callback) {
  const check = () => {
    if (document.querySelector(RUNNING_DEMO)) setTimeout(() => whenIdle(check, QUIET_MS), QUIET_MS / 4);
    else callback();
  };
  setTimeout(() => whenIdle(check, QUIET_MS), QUIET_MS);
}
