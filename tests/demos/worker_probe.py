"""What web/worker.js does once python.zip is unpacked, in CPython.

``python worker_probe.py UNPACKED SERVED DEMO``: puts the unpacked archive first on
``sys.path``, starts the runtime with :func:`demos.browser.start` and a data fetcher that
copies files from ``SERVED`` (the site's ``pycore-data/``), runs the demo file ``DEMO``
through the entry point, and prints one JSON line: the outcome, the files fetched, the
recursion limit and where ``pycore`` was imported from.
"""
import json
import os
import shutil
import sys

UNPACKED, SERVED, DEMO = sys.argv[1:4]
sys.path.insert(0, UNPACKED)

from demos.browser import start  # noqa: E402

fetched = []


def fetch(path):
    """Copy a missing pycore/data/ file from SERVED, as the worker fetches it from the site."""
    fetched.append(os.path.basename(path))
    source = os.path.join(SERVED, os.path.basename(path))
    if os.path.exists(source):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        shutil.copy(source, path)


entry = start(fetch)
with open(DEMO, encoding="utf-8") as handle:
    outcome = json.loads(entry(handle.read(), DEMO, None))
print(json.dumps({"outcome": outcome, "fetched": sorted(fetched),
                  "recursion_limit": sys.getrecursionlimit(),
                  "pycore_file": sys.modules["pycore"].__file__}))
