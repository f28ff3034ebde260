"""A local static server for the browser tests and the page benchmark.

With ``isolated=True`` it sends the COOP/COEP headers a properly configured host sends,
so the page is cross-origin isolated and Stop can interrupt Python in place; without them
it behaves like GitHub Pages (Stop restarts the worker).
"""
from __future__ import annotations

import functools
import http.server
import re
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

MIME_TYPES = {".wasm": "application/wasm", ".data": "application/octet-stream",
              ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    isolated = False
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def end_headers(self):
        if self.isolated:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sitemap_port(directory: Path) -> int:
    """The port of the site_url a MkDocs site was built for (0 if it names none).

    Material's instant navigation only intercepts links found in sitemap.xml, matching
    protocol and host but not the port, so the server must listen on the built-in port.
    """
    sitemap = Path(directory) / "sitemap.xml"
    if not sitemap.exists():
        return 0
    match = re.search(r"<loc>\s*https?://[^/:<]+:(\d+)/", sitemap.read_text(encoding="utf-8"))
    return int(match.group(1)) if match else 0


@contextmanager
def serve(directory: Path, *, isolated: bool, port: int = 0):
    """Serve ``directory`` on 127.0.0.1 (``port``, or a free one); yields the base URL."""
    handler = type("Handler", (_Handler,), {"isolated": isolated})
    handler = functools.partial(handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
