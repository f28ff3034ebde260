"""MkDocs hook: serve coi-serviceworker from the site's root, so a static host that cannot
send COOP/COEP headers (GitHub Pages) still gives a cross-origin isolated page.

Cross-origin isolation gives the demo runtime a SharedArrayBuffer, so Stop interrupts Python
in place instead of restarting the worker. ``coi-serviceworker`` (npm, MIT, pinned by
``package-lock.json``) is a service worker that adds the headers to every response in its
scope, which is the folder it is served from: hence the site root, under the site's base URL
(a project site on Pages lives under ``/<repo>/``). The file is added unchanged, not
bundled. ``overrides/main.html`` loads it as the first script in ``<head>``, after setting
``window.coi`` so that it uses ``COEP: require-corp`` in every browser (the site loads
nothing cross-origin). Where service workers are unavailable the runtime's restart path
remains the fallback.

JupyterLite registers its own service worker for ``lite/``; that narrower scope takes the
JupyterLite pages over once it is registered, and JupyterLite never loads this file.
"""
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "coi-serviceworker" / "coi-serviceworker.js"
URI = "coi-serviceworker.js"


def on_files(files, config):
    if not SOURCE.is_file():
        raise PluginError(f"{SOURCE.relative_to(ROOT)} is missing: run `npm ci`")
    existing = files.get_file_from_path(URI)
    if existing is not None:
        files.remove(existing)
    files.append(File.generated(config, URI, abs_src_path=str(SOURCE)))
    return files
