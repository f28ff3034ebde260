"""The demos' build-time runs, each made once and cached by content (hooks, notebooks).

The page's demo output and every ``{{ result(...) }}`` number come from these runs. A batch
of demos runs in a fresh CPython subprocess (``python -m demos.batch``). Runs are cached in
``.cache/demos/<key>.json``; the key hashes the demo file together with every file its run
can depend on (the files the browser runs, ``demos/shipped.py``, including the models'
data, and the batch runner), so an edit anywhere there reruns the demos and nothing else
does.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from demos import DEMO_ROOT
from demos.pages import DEMO_ID, MacroError, format_value, lookup
from demos.shipped import shipped_files

ROOT = DEMO_ROOT.parent
CACHE_DIR = ROOT / ".cache" / "demos"
# How a batch is run: its output depends on these too.
BATCH_FILES = ("demos/batch.py",)
SECONDS_PER_DEMO = 120


class BatchError(RuntimeError):
    """The batch runner crashed or timed out (not a demo's own error, which is data)."""


def library_files(root=ROOT):
    """Sorted repository-relative paths (str) of every file a demo's run can depend on."""
    return sorted(set(shipped_files(root, data=True)) | set(BATCH_FILES))


def library_hash(root=ROOT):
    """SHA-256 (hex str) over :func:`library_files` (paths and contents) and this Python."""
    digest = hashlib.sha256()
    for name in library_files(root):
        digest.update(name.encode())
        digest.update((Path(root) / name).read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def shown(path):
    """A path as shown to readers and in tracebacks: relative to the repository if inside."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def run_batch_in_subprocess(jobs):
    """Run ``[(demo_id, path)]`` in one fresh interpreter; returns :func:`demos.batch.run_batch`'s
    dict. Raises BatchError if the runner crashes or the batch takes too long."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "runs.json"
        command = [sys.executable, "-m", "demos.batch", json.dumps(jobs), str(output)]
        try:
            finished = subprocess.run(command, cwd=str(ROOT), env=env, capture_output=True,
                                      text=True, timeout=SECONDS_PER_DEMO * len(jobs))
        except subprocess.TimeoutExpired as error:
            names = ", ".join(demo_id for demo_id, _ in jobs)
            raise BatchError(f"demo run timed out after {error.timeout:.0f} s: {names}") from None
        if finished.returncode != 0 or not output.exists():
            raise BatchError(f"the demo runner crashed (exit code {finished.returncode}):\n"
                             f"{finished.stderr[-4000:]}")
        return json.loads(output.read_text(encoding="utf-8"))


class BuildRuns:
    """The build's runs of the demos in ``demo_dir``, cached on disk in ``cache_dir``.

    Each run is ``{"id", "path", "source", "key", "params", "params_error", "outcome"}``,
    ``outcome`` being what :func:`demos.runner.run_demo_file` returned. A run is loaded
    once until :meth:`forget` (a new build: sources may have changed under `mkdocs serve`).
    """

    def __init__(self, demo_dir=DEMO_ROOT, cache_dir=CACHE_DIR):
        self.demo_dir = Path(demo_dir)
        self.cache_dir = Path(cache_dir)
        self._runs = {}
        self._library_hash = None

    def forget(self):
        """Drop the loaded runs, so the next build reads its sources again."""
        self._runs.clear()
        self._library_hash = None

    def demo_file(self, demo_id):
        """The file of ``demo_id``; MacroError for a malformed or unknown id."""
        if not DEMO_ID.match(demo_id):
            raise MacroError(f"demo id {demo_id!r} is not of the form 'NN/name'")
        path = self.demo_dir / f"{demo_id}.py"
        if not path.is_file():
            raise MacroError(f"unknown demo {demo_id!r}: there is no file {shown(path)}")
        return path

    def load(self, demo_ids):
        """``{demo_id: run}`` for ``demo_ids``: from memory, the cache, or one batch run."""
        if self._library_hash is None:
            self._library_hash = library_hash()
        todo = []
        for demo_id in dict.fromkeys(demo_ids):
            if demo_id in self._runs:
                continue
            path = self.demo_file(demo_id)
            source = path.read_text(encoding="utf-8")
            key = hashlib.sha256((self._library_hash + demo_id + source).encode()).hexdigest()[:32]
            cached = self.cache_dir / f"{key}.json"
            run = {"id": demo_id, "path": shown(path), "source": source, "key": key}
            if cached.is_file():
                run.update(json.loads(cached.read_text(encoding="utf-8")))
                self._runs[demo_id] = run
            else:
                todo.append(run)
        if todo:
            made = run_batch_in_subprocess([(run["id"], run["path"]) for run in todo])
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            for run in todo:
                made_run = made[run["id"]]
                (self.cache_dir / f"{run['key']}.json").write_text(json.dumps(made_run),
                                                                   encoding="utf-8")
                run.update(made_run)
                self._runs[run["id"]] = run
        return {demo_id: self._runs[demo_id] for demo_id in demo_ids}

    def checked(self, demo_id):
        """The run of ``demo_id`` if it ran cleanly; MacroError with the traceback otherwise."""
        run = self.load([demo_id])[demo_id]
        if run["params_error"]:
            raise MacroError(f"demo {demo_id!r}: bad @param line: {run['params_error']}")
        error = run["outcome"]["error"]
        if error:
            raise MacroError(f"demo {demo_id!r} failed at build time:\n{error}")
        return run

    def format_result(self, demo_id, dotted_path, spec=""):
        """The page text of ``{{ result(demo_id, dotted_path, spec) }}`` (HTML-escaped)."""
        value = lookup(self.checked(demo_id)["outcome"]["result"], dotted_path, demo_id)
        return format_value(value, spec, demo_id, dotted_path)
