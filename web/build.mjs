// `npm run build`: bundle web/ into docs/assets/build/ and copy the Pyodide files the site
// needs (core + NumPy + Matplotlib and their dependency closure, read from packages.json),
// so the site is self-contained and works on any static host, offline included.

import { build } from "esbuild";
import { copyFile, mkdir, readFile, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "docs", "assets", "build");
const pyodideDist = join(root, "node_modules", "@pyodide", "pyodide", "dist");
const PYODIDE_CORE = ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "pyodide.asm.data", "packages.json"];
const PACKAGES = ["numpy", "matplotlib"];

function dependencyClosure(dependencies, names) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    if (!(name in dependencies)) throw new Error(`packages.json has no package ${name}`);
    seen.add(name);
    dependencies[name].forEach(visit);
  };
  names.forEach(visit);
  return [...seen].sort();
}

async function copyPyodide() {
  const target = join(out, "pyodide");
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  const index = JSON.parse(await readFile(join(pyodideDist, "packages.json"), "utf8"));
  const packages = dependencyClosure(index.dependencies, PACKAGES);
  const files = [...PYODIDE_CORE, ...packages.flatMap((name) => [`${name}.js`, `${name}.data`])];
  let bytes = 0;
  for (const file of files) {
    await copyFile(join(pyodideDist, file), join(target, file));
    bytes += (await stat(join(target, file))).size;
  }
  return { files: files.length, bytes, packages };
}

async function bundle() {
  const common = { bundle: true, minify: true, target: ["es2020"], legalComments: "none", logLevel: "warning" };
  await build({ ...common, entryPoints: [join(root, "web", "main.js")], outfile: join(out, "itt.js"), format: "iife" });
  // Starts the worker at the top of <head> on a page with demos (web/boot.js): tiny, on purpose,
  // as hooks/assets.py writes it inline into every such page.
  await build({ ...common, entryPoints: [join(root, "web", "boot.js")], outfile: join(out, "itt-boot.js"), format: "iife" });
  // A classic worker: Pyodide 0.17 loads itself and its packages with importScripts.
  await build({ ...common, entryPoints: [join(root, "web", "worker.js")], outfile: join(out, "itt-worker.js"), format: "iife" });
  // The figure renderer (Vega, Vega-Lite, vega-embed): its own bundle, loaded only by pages
  // that show a figure (web/figure-loader.js).
  await build({ ...common, entryPoints: [join(root, "web", "figures.js")], outfile: join(out, "itt-figures.js"), format: "iife" });
  // CodeMirror and the book's editor, loaded when a page first builds an editor (lazy-editor.js).
  await build({ ...common, entryPoints: [join(root, "web", "editor-bundle.js")], outfile: join(out, "itt-editor.js"), format: "iife" });
  await build({ ...common, entryPoints: [join(root, "web", "itt.css")], outfile: join(out, "itt.css") });
}

await mkdir(out, { recursive: true });
await bundle();
const copied = await copyPyodide();
console.log(
  `web/build.mjs: itt.js, itt-boot.js, itt-worker.js, itt-figures.js, itt-editor.js, itt.css; Pyodide ${copied.files} files, ` +
  `${(copied.bytes / 1e6).toFixed(1)} MB (${copied.packages.join(", ")})`,
);
