// The page's side of the Python worker: one instance for the whole visit.
//
// Material's instant navigation swaps the page content without reloading this script, so a
// module-level singleton keeps one interpreter across chapters (no second Pyodide load).

import {
  FROM_WORKER, INTERRUPT, LOAD_LABELS, LOAD_STEPS, TO_WORKER, newSecret, rejectWorkerMessage,
} from "./protocol.js";

// If an interrupt has no effect (Python stuck inside one long C call), restart after this.
const INTERRUPT_GRACE_MS = 1500;
// How often runs whose demo left the page (instant navigation) are looked for.
const ORPHAN_CHECK_MS = 500;
// While runs are pending, the worker is pinged this often (see checkAnswering).
const PING_MS = 1000;
// A run that has not begun although the worker's event loop is free and nothing has come
// from the worker for this long (not even a package being loaded) was dropped.
const NOT_STARTED_LIMIT_MS = 8_000;

// Why a running demo was stopped by restarting Python, in plain words; each says what really
// happened. How long the restart took is measured and shown beside it (output.js).
export const RESTART_NOTES = {
  "not-isolated":
    "Stopped. This page cannot pause Python in the middle of a run (it is not cross-origin " +
    "isolated), so Python was restarted: what earlier runs defined is gone.",
  "interrupt-ignored":
    `Stopped. Python did not respond to Stop within ${INTERRUPT_GRACE_MS / 1000} s (it was busy ` +
    "inside one long computation), so Python was restarted: what earlier runs defined is gone.",
  reader: "Stopped: you restarted Python. Every demo now starts from a fresh interpreter.",
  "page-gone": "Stopped: its page was left while it ran.",
};
export const RESTART_NOTE = RESTART_NOTES["not-isolated"];
// Stop interrupted the run inside the same interpreter (cross-origin isolated page).
export const INTERRUPTED_NOTE =
  "Stopped: the run was interrupted in place (KeyboardInterrupt). Python kept running, so " +
  "what earlier runs defined is still there.";

/** The note shown in a demo whose run killed (or found dead) the interpreter. */
export function deadNote(reason) {
  return (
    `Python stopped working during this run (${reason}). A fresh Python is starting ` +
    "automatically: run the demo again (with a fix, if this code caused it)."
  );
}

class PythonRuntime {
  constructor(config) {
    this.config = config;
    this.worker = null;
    this.workerReady = false; // the current worker has answered "ready"
    this.secret = null; // the current worker's seal (protocol.js)
    this.nextId = 1;
    this.pending = new Map(); // id -> {id, resolve, request, onOutput, owner, started}
    this.listeners = new Set();
    this.status = { state: "idle", step: 0, steps: LOAD_STEPS, label: "" };
    this.readyPromise = null;
    this.workerStarts = 0;
    this.rejected = 0; // worker messages ignored as malformed or unsealed (read by tests)
    this.deaths = []; // {reason, at} for each interpreter found dead (read by tests)
    this.restarts = []; // {reason, seconds}: each restart and its measured time to ready
    this.canInterrupt = Boolean(self.crossOriginIsolated && typeof SharedArrayBuffer === "function");
    this.interruptBuffer = null;
    this.orphanTimer = null;
    this.cancelled = new Set(); // ids stopped before they began (the worker may still start one)
    this.pings = 0; // pings sent to the current worker
    this.lastPing = 0; // performance.now() of the last ping
    this.lastHeard = 0; // performance.now() of the worker's last message other than "pong"
  }

  onStatus(listener) {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  setStatus(status) {
    this.status = { ...this.status, ...status };
    for (const listener of this.listeners) listener(this.status);
  }

  /** Start Python if it is not started; resolves when demos can run. */
  start() {
    if (!this.readyPromise) this.readyPromise = this.spawn();
    return this.readyPromise;
  }

  spawn() {
    this.workerStarts += 1;
    // The first start takes over the worker boot.js started at the top of the page, which
    // is already loading Pyodide; a restart starts a fresh one.
    const early = self.__ittBootWorker;
    self.__ittBootWorker = null;
    // One that already failed (its script did not load: a host refusing blob: workers, say)
    // is replaced by one started from the file.
    const worker = early && !early.ittBootError ? early : new Worker(this.config.workerUrl);
    this.worker = worker;
    this.workerReady = false;
    this.secret = newSecret();
    this.lastHeard = performance.now();
    // Messages from a worker that has since been replaced are dropped (`worker` is bound).
    worker.onmessage = (event) => {
      if (worker === this.worker) this.receive(event.data);
    };
    worker.onerror = (event) => {
      if (worker !== this.worker) return;
      event.preventDefault();
      this.died(`the worker failed: ${event.message || "unknown error"}`, null);
    };
    if (this.canInterrupt) {
      this.interruptBuffer = new Int32Array(new SharedArrayBuffer(4));
    }
    this.setStatus({ state: "loading", step: 0, label: LOAD_LABELS[0] });
    // Marks read by bench/bench_page.py (performance timeline, no effect on behaviour).
    performance.mark("itt-python-start");
    const id = this.nextId++;
    const ready = new Promise((resolve, reject) => {
      this.pending.set(id, { id, resolve, reject, init: true });
      worker.postMessage({
        id,
        type: TO_WORKER.INIT,
        seal: this.secret,
        pyodideBase: this.config.pyodideBase,
        pythonZip: this.config.pythonZip,
        interruptBuffer: this.interruptBuffer,
      });
    });
    // Runs waiting for this start get its failure as their outcome.
    ready.catch((error) => {
      if (worker !== this.worker) return;
      for (const [runId, entry] of [...this.pending]) {
        if (!entry.request) continue;
        this.pending.delete(runId);
        entry.resolve(failure(`Python could not start: ${error.message}`));
      }
    });
    return ready;
  }

  receive(message) {
    const problem = rejectWorkerMessage(message, this.secret);
    if (problem) {
      // Reader code can post to the page (js.self.postMessage): never act on such a message.
      this.rejected += 1;
      return;
    }
    if (message.type === FROM_WORKER.PONG) {
      this.checkAnswering();
      return;
    }
    this.lastHeard = performance.now();
    if (message.type === FROM_WORKER.PROGRESS) {
      const state = message.step >= message.steps ? "ready" : "loading";
      this.setStatus({ state, step: message.step, steps: message.steps, label: message.label });
      return;
    }
    if (message.type === FROM_WORKER.FATAL) {
      this.died(message.message, message.id);
      return;
    }
    const entry = this.pending.get(message.id);
    if (!entry) {
      this.settleCancelled(message);
      return; // a run cancelled by Stop, or an answer from a terminated worker
    }
    switch (message.type) {
      case FROM_WORKER.READY:
        if (!entry.init) return;
        this.pending.delete(message.id);
        this.workerReady = true;
        performance.mark("itt-python-ready");
        entry.resolve();
        break;
      case FROM_WORKER.FAILED:
        this.pending.delete(message.id);
        if (entry.init) {
          this.setStatus({ state: "failed", label: message.message });
          entry.reject(new Error(message.message));
        } else {
          entry.resolve(failure(message.message));
        }
        break;
      case FROM_WORKER.PACKAGE:
        this.setStatus({ state: "loading-package", label: message.label });
        break;
      case FROM_WORKER.STARTED:
        if (!entry.request) return;
        entry.started = true;
        if (this.status.state === "loading-package") this.setStatus({ state: "ready", label: "ready" });
        break;
      case FROM_WORKER.OUTPUT:
        if (entry.request) callSafely(entry.onOutput, message.kind, message.text);
        break;
      case FROM_WORKER.OUTCOME:
        // Only for the run that is executing: an outcome for a queued run is not genuine.
        if (!entry.request || !entry.started) return;
        this.pending.delete(message.id);
        // Interrupted by Stop: say so in plain words (a reader's own KeyboardInterrupt keeps
        // the runner's message).
        entry.resolve(message.outcome.stopped && entry.stopRequested
          ? { ...message.outcome, error: INTERRUPTED_NOTE } : message.outcome);
        break;
      default:
        break;
    }
  }

  /**
   * Run a demo's source. Returns {id, outcome} at once (so Stop and the one-run-per-demo
   * guard see the run even while Python is still starting): `id` for stop(), `outcome` a
   * promise of run_demo's dict {stdout, figures, result, error, stopped, seconds}. It always
   * settles, with errors as data. `owner` is the demo's root element: when it leaves the
   * document (instant navigation), the run is stopped.
   */
  run(source, filename, onOutput = () => {}, owner = null) {
    const id = this.nextId++;
    const request = { id, type: TO_WORKER.RUN, source, filename };
    const outcome = new Promise((resolve) => {
      this.pending.set(id, { id, resolve, request, onOutput, owner, started: false });
    });
    this.start().catch(() => {}); // a failed start answers the run (see spawn)
    if (this.pending.has(id)) {
      this.pending.get(id).sentAt = performance.now();
      this.worker.postMessage(request);
    }
    this.watchOrphans();
    return { id, outcome };
  }

  /** Is run `id` waiting or executing? */
  isPending(id) {
    return this.pending.has(id) && Boolean(this.pending.get(id).request);
  }

  /** Stop run `id`: interrupt it where the page is isolated, else restart the worker. */
  stop(id, reason = null) {
    const entry = this.pending.get(id);
    if (!entry || !entry.request) return;
    if (!entry.started) {
      // Not executing yet: drop it and tell the worker to skip it. Should the worker have
      // begun it already ("started" in flight), settleCancelled() stops it there.
      this.pending.delete(id);
      this.cancelled.add(id);
      this.worker.postMessage({ id, type: TO_WORKER.CANCEL });
      entry.resolve(stoppedOutcome(reason ? RESTART_NOTES[reason] : "Stopped before it started."));
      return;
    }
    if (this.interruptBuffer) {
      entry.stopRequested = true;
      this.interruptBuffer[0] = INTERRUPT.SIGINT;
      setTimeout(() => {
        if (this.pending.get(id) === entry) this.restart(reason || "interrupt-ignored", id);
      }, INTERRUPT_GRACE_MS);
      return;
    }
    this.restart(reason || "not-isolated", id);
  }

  /** A message about a run stopped before it began: if it began anyway, stop it in the worker. */
  settleCancelled(message) {
    if (!this.cancelled.has(message.id)) return;
    if (message.type === FROM_WORKER.OUTCOME || message.type === FROM_WORKER.FAILED) {
      this.cancelled.delete(message.id);
      return;
    }
    if (message.type !== FROM_WORKER.STARTED) return;
    if (this.interruptBuffer) {
      this.interruptBuffer[0] = INTERRUPT.SIGINT;
      const worker = this.worker;
      setTimeout(() => {
        if (this.cancelled.has(message.id) && worker === this.worker) this.replaceWorker(() => null);
      }, INTERRUPT_GRACE_MS);
    } else {
      this.replaceWorker(() => null);
    }
  }

  /**
   * Terminate the worker and start a fresh one. The run `stoppedId` (if any) is answered as
   * stopped for `reason` (a RESTART_NOTES key); with reason "reader" every executing run is;
   * runs that had not started are sent again to the fresh worker. A stopped run's outcome
   * carries `restarted`, a promise of the seconds from the stop until the fresh Python was
   * ready (measured, rejected if it could not start).
   */
  restart(reason, stoppedId = null) {
    const note = RESTART_NOTES[reason] || RESTART_NOTES["not-isolated"];
    const began = performance.now();
    const readyAgain = this.replaceWorker((entry, ready) => (
      entry.id === stoppedId || (reason === "reader" && entry.started)
        ? { ...stoppedOutcome(note), restarted: ready } : null));
    readyAgain.then((seconds) => this.restarts.push({ reason, seconds, began }), () => {});
  }

  /** "Restart Python" (a reader's explicit request): a fresh interpreter for every demo. */
  restartPython() {
    this.restart("reader");
  }

  /**
   * The interpreter is dead (a fatal error, exit, a broken runner) or the worker failed:
   * answer the run that was executing with `reason`, start a fresh worker and resend the
   * runs that were waiting, so that the next run of any demo works.
   */
  died(reason, id) {
    this.deaths.push({ reason, at: performance.now() });
    if (!this.workerReady) {
      // It never started: a fresh one would fail the same way. Fail what waits, retry on
      // the next run.
      const worker = this.worker;
      const entries = [...this.pending.values()];
      this.worker = null;
      this.readyPromise = null;
      this.pending.clear();
      if (worker) worker.terminate();
      this.setStatus({ state: "failed", label: reason });
      for (const entry of entries) {
        if (entry.init) entry.reject(new Error(reason));
        else entry.resolve(failure(`Python could not start: ${reason}`));
      }
      return;
    }
    const note = deadNote(reason);
    this.replaceWorker((entry) => (entry.id === id || entry.started
      ? { ...failure(note), fatal: true } : null));
  }

  /**
   * Terminate, answer pending runs with `answer(entry, readyAgain)` or resend them, start
   * afresh. Returns `readyAgain`: a promise of the seconds from now until the fresh Python
   * is ready.
   */
  replaceWorker(answer) {
    const began = performance.now();
    let settle = null;
    const readyAgain = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    readyAgain.catch(() => {}); // whoever shows it handles a failed start
    const worker = this.worker;
    this.worker = null;
    if (worker) worker.terminate();
    this.cancelled.clear();
    const entries = [...this.pending.values()].filter((entry) => entry.request);
    const inits = [...this.pending.values()].filter((entry) => entry.init);
    this.pending.clear();
    this.readyPromise = null;
    const answers = [];
    const resend = [];
    for (const entry of entries) {
      const outcome = answer(entry, readyAgain);
      if (outcome) answers.push([entry, outcome]);
      else resend.push(entry);
    }
    // The stopped or failed runs are answered first: the fresh start can take a while.
    for (const [entry, outcome] of answers) entry.resolve(outcome);
    this.start().catch(() => {});
    this.readyPromise.then(() => settle.resolve((performance.now() - began) / 1000), settle.reject);
    // A start in progress becomes this fresh one (whoever awaited it is answered by it).
    for (const init of inits) this.readyPromise.then(init.resolve, init.reject);
    for (const entry of resend) {
      entry.started = false;
      entry.sentAt = performance.now();
      this.pending.set(entry.id, entry);
      this.worker.postMessage(entry.request);
    }
    return readyAgain;
  }

  /**
   * A "pong" arrived: the worker's event loop was free when it read our ping. A run runs
   * synchronously from "started" to its outcome, so a run still unanswered after "started"
   * was dropped (a reader's code broke the worker's promises, say); and runs that have not
   * begun while nothing else runs and nothing has come for NOT_STARTED_LIMIT_MS never will.
   * Either way the worker is dead to us: died() answers and resends, in a fresh one.
   */
  checkAnswering() {
    if (!this.workerReady) return;
    const runs = [...this.pending.values()].filter((entry) => entry.request);
    const dropped = runs.find((entry) => entry.started);
    if (dropped) {
      this.died("the run ended without an answer from Python", dropped.id);
      return;
    }
    if (!runs.length || this.status.state === "loading-package") return; // a slow download
    const oldest = runs.reduce((a, b) => ((a.sentAt || 0) <= (b.sentAt || 0) ? a : b));
    const waited = performance.now() - Math.max(this.lastHeard, oldest.sentAt || 0);
    if (waited > NOT_STARTED_LIMIT_MS) {
      this.died(`Python did not begin this run within ${NOT_STARTED_LIMIT_MS / 1000} s`, oldest.id);
    }
  }

  /**
   * While runs are pending, stop those whose demo is no longer in the document, and ping
   * the worker (checkAnswering).
   */
  watchOrphans() {
    if (this.orphanTimer !== null) return;
    this.orphanTimer = setInterval(() => {
      const runs = [...this.pending.values()].filter((entry) => entry.request);
      if (!runs.length) {
        clearInterval(this.orphanTimer);
        this.orphanTimer = null;
        return;
      }
      for (const entry of runs) {
        if (entry.owner && !entry.owner.isConnected) this.stop(entry.id, "page-gone");
      }
      const now = performance.now();
      if (this.worker && this.workerReady && now - this.lastPing >= PING_MS) {
        this.lastPing = now;
        this.pings += 1;
        this.worker.postMessage({ type: TO_WORKER.PING, n: this.pings });
      }
    }, ORPHAN_CHECK_MS);
  }
}

function callSafely(callback, ...args) {
  try {
    callback(...args);
  } catch (error) {
    console.warn("demo output callback failed", error);
  }
}

function failure(message) {
  return { stdout: "", figures: [], result: null, error: message, stopped: false, seconds: 0 };
}

function stoppedOutcome(message) {
  return { stdout: "", figures: [], result: null, error: message, stopped: true, seconds: 0 };
}

let runtime = null;

/** The one runtime of this page visit (created on first use). */
export function getRuntime(config) {
  if (!runtime) {
    runtime = new PythonRuntime(config);
    // Tests and the benchmark read this to prove one worker served several chapters.
    self.__ittRuntime = runtime;
  }
  return runtime;
}
