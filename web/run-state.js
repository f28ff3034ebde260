// A demo's run state as the reader sees it (issue 17): a running indicator with the elapsed
// time, the run's duration when it ends, and live output labelled as such.

const TICK_MS = 100;

/** Seconds as the indicator shows them: "0.4 s", "12 s", "2 min 5 s". */
export function formatSeconds(seconds) {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - 60 * minutes)} s`;
}

/** The indicator in a demo's toolbar: "Running… 1.2 s", then "Ran in 1.4 s". */
export class RunIndicator {
  constructor() {
    this.node = document.createElement("span");
    this.node.className = "itt-demo-runstate";
    this.node.setAttribute("role", "status");
    this.timer = null;
    this.started = 0;
  }

  start() {
    clearInterval(this.timer);
    this.started = performance.now();
    this.node.dataset.state = "running";
    const tick = () => {
      this.node.textContent = `Running… ${formatSeconds((performance.now() - this.started) / 1000)}`;
    };
    tick();
    this.timer = setInterval(tick, TICK_MS);
  }

  /** The run ended with `outcome` ({error, stopped}); shows how long it took. */
  finish(outcome) {
    clearInterval(this.timer);
    this.timer = null;
    const took = formatSeconds((performance.now() - this.started) / 1000);
    const state = outcome.stopped ? "stopped" : outcome.error ? "error" : "done";
    this.node.dataset.state = state;
    this.node.textContent = {
      done: `Ran in ${took}`, error: `Error after ${took}`, stopped: `Stopped after ${took}`,
    }[state];
  }

  clear() {
    clearInterval(this.timer);
    this.timer = null;
    delete this.node.dataset.state;
    this.node.textContent = "";
  }
}

/** Label a live run's output (the build-time output carries its own note). */
export function labelLive(area) {
  if (area.querySelector(".itt-demo-live-note")) return;
  const note = document.createElement("p");
  note.className = "itt-demo-note itt-demo-live-note";
  note.textContent = "Live output (Python in this browser)";
  area.prepend(note);
  // Output lines scroll sideways: the scrolling block must be reachable by keyboard.
  for (const pre of area.querySelectorAll("pre")) pre.tabIndex = 0;
}
