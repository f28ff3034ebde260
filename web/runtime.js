// The page's side of the Python worker: one instance for the whole visit.
//
// Material's instant navigation swaps the page content without reloading this script, so a
// module-level singleton keeps one interpreter across chapters (no second Pyodide load).

const INTERRUPT_SIGINT = 2;
// If an interrupt has no effect (Python stuck inside one long C call), restart after this.
const INTERRUPT_GRACE_MS = 1500;

export const RESTART_NOTE =
  "Stopped: Python was restarted (this page is not cross-origin isolated, so a running " +
  "demo cannot be interrupted; the restart takes a second or two).";

class PythonRuntime {
  constructor(config) {
    this.config = config;
    this.worker = null;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, request, onOutput, started}
    this.listeners = new Set();
    this.status = { state: "idle", step: 0, steps: 4, label: "" };
    this.readyPromise = null;
    this.workerStarts = 0;
    this.canInterrupt = Boolean(self.crossOriginIsolated && typeof SharedArrayBuffer === "function");
    this.interruptBuffer = null;
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
    this.worker = new Worker(this.config.workerUrl);
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      this.setStatus({ state: "failed", label: `Python worker error: ${event.message || "unknown"}` });
    };
    if (this.canInterrupt) {
      this.interruptBuffer = new Int32Array(new SharedArrayBuffer(4));
    }
    this.setStatus({ state: "loading", step: 0, label: "Python runtime" });
    // Marks read by bench/bench_page.py (performance timeline, no effect on behaviour).
    performance.mark("itt-python-start");
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, init: true });
      this.worker.postMessage({
        id,
        type: "init",
        pyodideBase: this.config.pyodideBase,
        pythonZip: this.config.pythonZip,
        interruptBuffer: this.interruptBuffer,
      });
    });
  }

  receive(message) {
    if (message.type === "progress") {
      const state = message.step >= message.steps ? "ready" : "loading";
      this.setStatus({ state, step: message.step, steps: message.steps, label: message.label });
      return;
    }
    const entry = this.pending.get(message.id);
    if (!entry) return; // a run cancelled by Stop, or an answer from a terminated worker
    switch (message.type) {
      case "ready":
        this.pending.delete(message.id);
        performance.mark("itt-python-ready");
        entry.resolve();
        break;
      case "failed":
        this.pending.delete(message.id);
        if (entry.init) {
          this.setStatus({ state: "failed", label: message.message });
          entry.reject(new Error(message.message));
        } else {
          entry.resolve(failure(message.message));
        }
        break;
      case "package":
        this.setStatus({ state: "loading-package", label: message.label });
        break;
      case "started":
        entry.started = true;
        if (this.status.state === "loading-package") this.setStatus({ state: "ready", label: "ready" });
        break;
      case "stdout":
        entry.onOutput("stdout", message.text);
        break;
      case "outcome":
        this.pending.delete(message.id);
        entry.resolve(message.outcome);
        break;
      default:
        break;
    }
  }

  /**
   * Run a demo's source. Resolves to {id, outcome}: `id` for stop(), `outcome` a promise of
   * run_demo's dict {stdout, figures, result, error, stopped, seconds}. Errors are data.
   */
  async run(source, filename, onOutput = () => {}) {
    try {
      await this.start();
    } catch (error) {
      return { id: null, outcome: Promise.resolve(failure(`Python could not start: ${error.message}`)) };
    }
    const id = this.nextId++;
    const request = { id, type: "run", source, filename };
    const promise = new Promise((resolve) => {
      this.pending.set(id, { resolve, request, onOutput, started: false });
    });
    this.worker.postMessage(request);
    return { id, outcome: promise };
  }

  /** Stop run `id`: interrupt it where the page is isolated, else restart the worker. */
  stop(id) {
    const entry = this.pending.get(id);
    if (!entry) return;
    if (!entry.started) {
      // Not executing yet: drop it; the worker's answer will find no entry and be ignored.
      this.pending.delete(id);
      entry.resolve(stoppedOutcome("Stopped before it started."));
      return;
    }
    if (this.interruptBuffer) {
      this.interruptBuffer[0] = INTERRUPT_SIGINT;
      setTimeout(() => {
        if (this.pending.has(id)) this.restart(id);
      }, INTERRUPT_GRACE_MS);
      return;
    }
    this.restart(id);
  }

  /** Terminate the worker, answer `stoppedId` as stopped and resend every other pending run. */
  restart(stoppedId) {
    this.worker.terminate();
    const stopped = this.pending.get(stoppedId);
    this.pending.delete(stoppedId);
    const waiting = [...this.pending.entries()].filter(([, entry]) => entry.request);
    this.pending.clear();
    this.readyPromise = null;
    this.start().catch(() => {});
    for (const [id, entry] of waiting) {
      entry.started = false;
      this.pending.set(id, entry);
      this.worker.postMessage(entry.request);
    }
    if (stopped) stopped.resolve(stoppedOutcome(RESTART_NOTE));
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
