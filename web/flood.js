// A run's printed text in the page, without flooding it (issue 15).
//
// The worker already sends output in batches and caps it (demos/stream.py). Here, batches
// are written at most once per animation frame, as appended text nodes (linear: never
// `textContent +=`, which copies everything shown so far on each call), stderr and runtime
// notes in their own styled spans, and the page keeps at most PAGE_CHARS characters of
// streamed text whatever it is sent.

const PAGE_CHARS = 1_000_000;
const KIND_CLASSES = { stderr: "itt-demo-stderr", note: "itt-demo-note-output" };

export class StreamView {
  /** `pre` is the element the text goes into. */
  constructor(pre) {
    this.pre = pre;
    this.queue = []; // [kind, text] waiting for the next frame
    this.frame = null;
    this.shown = 0; // characters written into `pre`
    this.received = 0; // characters pushed since the last clear
    this.full = false;
  }

  /** Queue `text` of `kind` ("stdout", "stderr" or "note"); written on the next frame. */
  push(kind, text) {
    if (!text) return;
    this.received += text.length;
    this.queue.push([kind, text]);
    if (this.frame === null) {
      this.frame = requestAnimationFrame(() => {
        this.frame = null;
        this.flush();
      });
    }
  }

  /** Write what is queued now. */
  flush() {
    if (this.frame !== null) {
      cancelAnimationFrame(this.frame);
      this.frame = null;
    }
    const queue = this.queue;
    this.queue = [];
    // Joined per run of one kind, so a frame adds a few nodes however many batches came.
    let index = 0;
    while (index < queue.length) {
      const kind = queue[index][0];
      const parts = [];
      while (index < queue.length && queue[index][0] === kind) parts.push(queue[index++][1]);
      this.write(kind, parts.join(""));
    }
  }

  write(kind, text) {
    if (this.full) return;
    const room = PAGE_CHARS - this.shown;
    if (text.length <= room) {
      this.appendNode(kind, text);
      return;
    }
    this.appendNode(kind, text.slice(0, room));
    this.appendNode("note", "\n[The page shows no more of this run's output while it runs.]\n");
    this.full = true;
  }

  appendNode(kind, text) {
    this.shown += text.length;
    this.pre.hidden = false;
    const className = KIND_CLASSES[kind];
    if (className) {
      const span = document.createElement("span");
      span.className = className;
      span.textContent = text;
      this.pre.append(span);
    } else {
      this.pre.append(document.createTextNode(text));
    }
  }

  /** Forget everything shown and queued. */
  clear() {
    this.queue = [];
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.pre.replaceChildren();
    this.shown = 0;
    this.received = 0;
    this.full = false;
  }

  /** Show exactly `segments` ([[kind, text], ...], a finished run's output). */
  replace(segments) {
    this.clear();
    for (const [kind, text] of segments) this.write(kind, text);
    this.pre.hidden = this.shown === 0;
  }

  /** The characters received since the last clear (streamed, before any page cap). */
  get receivedChars() {
    return this.received;
  }
}
