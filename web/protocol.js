// The messages between the page (runtime.js) and the Python worker (worker.js): their
// shapes, and the seal that tells the worker's own messages from forged ones.
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

/** Output kinds a run streams: what it printed, what went to stderr, a runtime note. */
export const OUTPUT_KINDS = ["stdout", "stderr", "note"];

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
  progress: (m) => isCount(m.step) && isCount(m.steps) && isText(m.label),
  ready: (m) => isId(m.id),
  failed: (m) => isId(m.id) && isText(m.message),
  // The interpreter is dead or unusable (fatal error, exit, runner broken): restart it.
  fatal: (m) => (m.id === null || isId(m.id)) && isText(m.message),
  package: (m) => isId(m.id) && isText(m.label),
  started: (m) => isId(m.id),
  output: (m) => isId(m.id) && OUTPUT_KINDS.includes(m.kind) && isText(m.text),
  outcome: (m) => isId(m.id) && validOutcome(m.outcome),
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
