// The messages between the page (runtime.js) and the Python worker (worker.js), and the
// constants both sides share. Both import this module; neither writes a message type as a
// bare string.
//
//   page -> worker  (no message: the worker's name, BOOT_NAME + pyodideBase)
//                                                           begin loading Pyodide + NumPy (boot.js)
//                   {id, type: "init", seal, pyodideBase, pythonZip, interruptBuffer?}
//                   {id, type: "run", source, filename}
//                   {id, type: "cancel"}                  Stop before the run began: skip it
//                   {type: "ping", n}                     is the worker's event loop free?
//   worker -> page  {type: "progress", step, steps, label} while Python loads (LOAD_STEPS)
//                   {id, type: "ready"}                   answers "init"
//                   {id, type: "failed", message}         "init" failed, or a run could not be run
//                   {id, type: "package", label}          a reader's import loads a package
//                   {id, type: "started"}                 a run begins executing
//                   {id, type: "output", kind, text}      streamed in batches (demos/stream.py);
//                                                         kind "figure": a figure shown under a
//                                                         key, its Vega-Lite spec as JSON text
//                   {id, type: "outcome", outcome}        demos.runner.run_demo's dict
//                   {id, type: "fatal", message}          the interpreter is dead: restart me
//                   {type: "pong", n}                     answers "ping" n (runtime.js: a pong
//                                                         after "started" with no outcome means
//                                                         the worker dropped the run: restart)
// Every message carries the id of the request it answers (except "progress" and "pong"); errors are
// data. "interruptBuffer" (cross-origin isolated pages only) is one shared Int32 that the
// page sets to INTERRUPT.SIGINT for Stop and the worker clears before each run.
//
// A reader's code runs inside the worker and can post messages to the page itself
// (`js.self.postMessage(...)`), so the page trusts nothing by default (issue 15):
// - every message must have a known type and the exact shape of that type;
// - every message must carry the seal: a random secret the page gives the worker in its
//   "init" message, before any Python exists. The worker keeps it in a JavaScript closure
//   and attaches it to what it posts; Python can reach the worker's global scope but not
//   that closure, and no later message carries the secret, so reader code never sees it;
// - the page accepts an outcome only for the run it is waiting for (runtime.js).
// The limits of this are explained in CONTRIBUTING.md ("Results and badges").

/** Types of the messages the page sends the worker. */
export const TO_WORKER = Object.freeze({
  INIT: "init", RUN: "run", CANCEL: "cancel", PING: "ping",
});

/**
 * The name (Worker option `name`) of a worker started by web/boot.js is this prefix and the
 * absolute URL of Pyodide's folder: the worker begins loading Pyodide as its script runs.
 * A message would wait for the page's main thread, which hands a new worker the messages
 * posted before it started: measured, 0.5 s later on chapter 04, while the page parsed.
 */
export const BOOT_NAME = "itt-boot ";

/** Types of the messages the worker sends the page. */
export const FROM_WORKER = Object.freeze({
  PROGRESS: "progress",
  READY: "ready",
  FAILED: "failed",
  FATAL: "fatal",
  PACKAGE: "package",
  STARTED: "started",
  OUTPUT: "output",
  OUTCOME: "outcome",
  PONG: "pong",
});

/** What each "progress" step has just begun to load; step n of LOAD_STEPS is LOAD_LABELS[n - 1]. */
export const LOAD_LABELS = Object.freeze(["Python runtime", "NumPy", "pycore", "ready"]);
export const LOAD_STEPS = LOAD_LABELS.length;

/** Values of the interrupt buffer's one Int32 (Pyodide's setInterruptBuffer reads it). */
export const INTERRUPT = Object.freeze({ NONE: 0, SIGINT: 2 });

/**
 * Output kinds a run streams: what it printed, what went to stderr, a runtime note, and a
 * figure shown under a key as the run goes (pycore.figures.show(..., key=...)).
 */
export const OUTPUT_KINDS = ["stdout", "stderr", "note", "figure"];

/** A fresh 128-bit secret, as hex. */
export function newSecret() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

const isId = (value) => Number.isSafeInteger(value) && value > 0;
const isText = (value) => typeof value === "string";
const isCount = (value) => Number.isSafeInteger(value) && value >= 0;

// type -> predicate over the message (seal and type already checked).
const WORKER_MESSAGES = {
  [FROM_WORKER.PROGRESS]: (m) => isCount(m.step) && isCount(m.steps) && isText(m.label),
  [FROM_WORKER.READY]: (m) => isId(m.id),
  [FROM_WORKER.FAILED]: (m) => isId(m.id) && isText(m.message),
  // The interpreter is dead or unusable (fatal error, exit, runner broken): restart it.
  [FROM_WORKER.FATAL]: (m) => isId(m.id) && isText(m.message),
  [FROM_WORKER.PACKAGE]: (m) => isId(m.id) && isText(m.label),
  [FROM_WORKER.STARTED]: (m) => isId(m.id),
  [FROM_WORKER.OUTPUT]: (m) => isId(m.id) && OUTPUT_KINDS.includes(m.kind) && isText(m.text),
  [FROM_WORKER.OUTCOME]: (m) => isId(m.id) && validOutcome(m.outcome),
  [FROM_WORKER.PONG]: (m) => isCount(m.n),
};

/**
 * Why `message` (posted by the worker) must be ignored, or null if it is well-formed and
 * sealed with `secret`.
 */
export function rejectWorkerMessage(message, secret) {
  if (!message || typeof message !== "object" || Array.isArray(message)) return "not an object";
  if (!secret || message.seal !== secret) return "not sealed by this worker";
  const check = Object.prototype.hasOwnProperty.call(WORKER_MESSAGES, message.type)
    ? WORKER_MESSAGES[message.type]
    : null;
  if (!check) return `unknown type ${JSON.stringify(String(message.type)).slice(0, 40)}`;
  return check(message) ? null : `malformed ${message.type} message`;
}

/** True if `outcome` has the shape of demos.runner.run_demo's dict (as the page uses it). */
export function validOutcome(outcome) {
  if (!outcome || typeof outcome !== "object" || Array.isArray(outcome)) return false;
  const { stdout, error, stopped, seconds, figures } = outcome;
  if (!isText(stdout) || typeof stopped !== "boolean" || typeof seconds !== "number") return false;
  if (!(error === null || isText(error))) return false;
  if (!Array.isArray(figures)) return false;
  if ("images" in outcome && !Array.isArray(outcome.images)) return false;
  if ("stderr" in outcome && !isText(outcome.stderr)) return false;
  if ("output" in outcome) {
    const segments = outcome.output;
    if (!Array.isArray(segments)) return false;
    const good = (segment) => Array.isArray(segment) && segment.length === 2
      && OUTPUT_KINDS.includes(segment[0]) && isText(segment[1]);
    if (!segments.every(good)) return false;
  }
  return "result" in outcome;
}
