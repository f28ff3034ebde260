// Kept, shared and taken away (issue 17): a reader's edits persist per demo in localStorage,
// "Copy link" puts the edited code in the URL fragment (deflate-raw, base64url), and the code
// and its result download as files.
//
// Control values live in the code (a control rewrites its `# @param` line), so keeping the
// code keeps them; paramsFromSource reads them back for the controls.

import { downloadText } from "./download.js";

const STORAGE_PREFIX = "itt-demo-edit:";
const SHARE_KEY = "itt-share";
const SAVE_DELAY_MS = 400;
const PARAM_LINE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*#\s*@param\b/;

/** A short fingerprint of the book's code (FNV-1a, hex): tells whether it changed since. */
export function fingerprint(text) {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** The value of a Python literal as a control holds it (undefined if it is not one). */
function literalValue(text) {
  if (text === "True") return true;
  if (text === "False") return false;
  if (/^'[^'\\]*'$/.test(text)) return text.slice(1, -1);
  try {
    const value = JSON.parse(text);
    return ["number", "string"].includes(typeof value) ? value : undefined;
  } catch (error) {
    return undefined;
  }
}

/** `params` with each value read from its `# @param` line in `source` (where readable). */
export function paramsFromSource(params, source) {
  const values = {};
  for (const line of source.split("\n")) {
    const match = PARAM_LINE.exec(line);
    if (match) values[match[1]] = literalValue(match[2]);
  }
  return params.map((param) => (values[param.name] === undefined ? param : { ...param, value: values[param.name] }));
}

export function loadEdit(demoId) {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_PREFIX + demoId) || "null");
    return stored && typeof stored.code === "string" ? stored : null;
  } catch (error) {
    return null;
  }
}

export function saveEdit(demoId, code, original) {
  try {
    if (code === original) localStorage.removeItem(STORAGE_PREFIX + demoId);
    else localStorage.setItem(STORAGE_PREFIX + demoId, JSON.stringify({ code, book: fingerprint(original), saved: Date.now() }));
  } catch (error) {
    // Storage full or blocked (private mode): the edit simply is not kept.
  }
}

function toBase64Url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

async function pipe(bytes, stream) {
  const response = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await response.arrayBuffer());
}

/** `#itt-share=<demo id>~<deflate-raw base64url of the code>`. */
export async function shareFragment(demoId, code) {
  const packed = await pipe(new TextEncoder().encode(code), new CompressionStream("deflate-raw"));
  return `#${SHARE_KEY}=${encodeURIComponent(demoId)}~${toBase64Url(packed)}`;
}

/** The shared code for `demoId` in `hash`, or null (also for a damaged link). */
export async function readShared(hash, demoId) {
  const match = new RegExp(`^#${SHARE_KEY}=([^~]+)~([A-Za-z0-9_-]+)$`).exec(hash || "");
  if (!match || decodeURIComponent(match[1]) !== demoId) return null;
  try {
    const bytes = await pipe(fromBase64Url(match[2]), new DecompressionStream("deflate-raw"));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    console.warn(`demo ${demoId}: the shared link could not be read`, error);
    return null;
  }
}

/** `onChange(text)` for the editor: saves the reader's edits (debounced). */
export function editSaver(demoId, original) {
  let timer = null;
  return (text) => {
    clearTimeout(timer);
    timer = setTimeout(() => saveEdit(demoId, text, original), SAVE_DELAY_MS);
  };
}

function small(label, className) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = `itt-demo-button itt-demo-small ${className}`;
  node.textContent = label;
  return node;
}

/**
 * Wire keeping, sharing and downloads into a presented demo. `demo` holds the parts:
 * {root, demoId, original, editor, codeBar, restore(code)}; restore(code) sets the editor and
 * the controls to `code` (the book's when code is the original).
 */
export function keepAndShare({ root, demoId, original, editor, codeBar, restore, result }) {
  const banner = document.createElement("p");
  banner.className = "itt-demo-version";
  banner.hidden = true;
  const text = document.createElement("span");
  const back = small("Back to the book's code", "itt-demo-back");
  banner.append(text, back);
  codeBar.before(banner);
  function mark(kind, message) {
    banner.hidden = !kind;
    root.dataset.demoVersion = kind || "book";
    text.textContent = message || "";
  }
  back.addEventListener("click", () => {
    restore(original);
    saveEdit(demoId, original, original);
    mark(null);
  });

  const actions = document.createElement("span");
  actions.className = "itt-demo-actions";
  const copy = small("Copy link", "itt-demo-copylink");
  const python = small("Download .py", "itt-demo-download-py");
  const json = small("Download result (JSON)", "itt-demo-download-json");
  actions.append(copy, python, json);
  // Where the page links to its chapter's notebook (JupyterLite): this demo's own notebook
  // (the hook's data-notebook, written by notebooks/generate.py), the same code, runnable.
  const lite = document.querySelector('a[href*="lite/notebooks/index.html?path="]');
  if (lite) {
    const notebook = document.createElement("a");
    notebook.className = "itt-demo-button itt-demo-small itt-demo-notebook";
    const url = new URL(lite.href);
    if (root.dataset.notebook) url.searchParams.set("path", root.dataset.notebook);
    notebook.href = url.href;
    notebook.textContent = "Open in notebook";
    actions.append(notebook);
  }
  codeBar.append(actions);
  const name = demoId.split("/").pop();
  python.addEventListener("click", () => downloadText(`${name}.py`, "text/x-python", `${editor.getSource()}\n`));
  json.addEventListener("click", () => {
    const live = root.dataset.demoResult;
    downloadText(`${name}.json`, "application/json", `${live !== undefined ? live : JSON.stringify(result ?? null)}\n`);
  });
  copy.addEventListener("click", async () => {
    const url = `${location.origin}${location.pathname}${await shareFragment(demoId, editor.getSource())}`;
    root.dataset.shareLink = url;
    try {
      await navigator.clipboard.writeText(url);
      copy.textContent = "Link copied";
    } catch (error) {
      copy.textContent = "Link in the address bar";
      history.replaceState(null, "", url);
    }
    setTimeout(() => { copy.textContent = "Copy link"; }, 2500);
  });

  const kept = { forget: () => mark(null) };
  // What the reader meets: a shared version first (never run until Run), else their own.
  readShared(location.hash, demoId).then((shared) => {
    if (shared !== null && shared !== original) {
      restore(shared);
      mark("shared", "Someone else's version, from a shared link: press Run to run it.");
      return;
    }
    const stored = loadEdit(demoId);
    if (stored && stored.code !== original) {
      restore(stored.code);
      const changed = stored.book !== fingerprint(original);
      mark("edited", changed
        ? "Your edited version (kept in this browser). The book's code has changed since you edited it."
        : "Your edited version (kept in this browser).");
    }
  });
  return kept;
}
