// The entry of itt-editor.js (web/build.mjs): CodeMirror and the book's editor, loaded by
// lazy-editor.js when a page first builds an editor, defining self.ittEditor.

import { createEditor } from "./editor.js";

self.ittEditor = Object.freeze({ createEditor });
