"""notebooks/kernel_runtime.py: the notebooks' Pyodide 0.27.7 is assembled only from files
that match the official lock file, and the build fails on any mismatch."""
from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from notebooks import kernel_runtime as kr


@pytest.fixture(scope="module")
def lock():
    if not (kr.NPM_PYODIDE / "pyodide-lock.json").is_file():
        pytest.fail("node_modules/pyodide is missing: run `npm ci` (bash scripts/setup.sh)")
    return kr.official_lock()


def test_needed_packages_close_over_dependencies(lock):
    names = kr.needed_packages(lock, {"numpy", "pycore", "sys"})
    for name in ("numpy", "micropip", "packaging", "ipython", "traitlets", "jedi", "parso",
                 "ssl", "openssl", "sqlite3"):
        assert name in names, name
    assert "matplotlib" not in names and "scipy" not in names
    assert "matplotlib" in kr.needed_packages(lock, {"matplotlib"})


def test_imports_are_read_from_sources_with_top_level_await():
    source = "import sys\nif sys:\n    import piplite\n    await piplite.install('x')\n" \
             "from numpy.linalg import norm\nfrom . import sibling\nimport a.b as c\n"
    assert kr.source_imports([source]) == {"sys", "piplite", "numpy", "a"}


def _fake(tmp_path, payload, recorded):
    """A carrier holding one package file with ``payload`` and a lock recording ``recorded``."""
    carrier = tmp_path / "carrier.whl"
    with zipfile.ZipFile(carrier, "w") as archive:
        archive.writestr(kr.CARRIER_FOLDER + "demo-1.0-py3-none-any.whl", payload)
    lock = {"info": {"version": kr.PYODIDE_VERSION},
            "packages": {"demo": {"depends": [], "imports": ["demo"], "sha256": recorded,
                                  "file_name": "demo-1.0-py3-none-any.whl"}}}
    npm = tmp_path / "npm"
    npm.mkdir()
    for name in kr.CORE_FILES:
        (npm / name).write_bytes(b"core")
    return carrier, lock, npm


def test_assemble_copies_a_file_that_matches_the_lock(tmp_path, monkeypatch):
    payload = b"the official bytes"
    carrier, lock, npm = _fake(tmp_path, payload, hashlib.sha256(payload).hexdigest())
    monkeypatch.setattr(kr, "CARRIER_SHA256", hashlib.sha256(carrier.read_bytes()).hexdigest())
    out = tmp_path / "out"
    written = kr.assemble(out, ["demo"], lock=lock, carrier=carrier, npm_folder=npm)
    assert (out / "demo-1.0-py3-none-any.whl").read_bytes() == payload
    assert list(written) == ["demo-1.0-py3-none-any.whl"]
    shipped_lock = json.loads((out / "pyodide-lock.json").read_text())
    assert list(shipped_lock["packages"]) == ["demo"]


def test_assemble_refuses_a_file_that_differs_from_the_lock(tmp_path, monkeypatch):
    carrier, lock, npm = _fake(tmp_path, b"tampered bytes", hashlib.sha256(b"x").hexdigest())
    monkeypatch.setattr(kr, "CARRIER_SHA256", hashlib.sha256(carrier.read_bytes()).hexdigest())
    with pytest.raises(kr.RuntimeMismatch, match="demo-1.0-py3-none-any.whl .* sha256"):
        kr.assemble(tmp_path / "out", ["demo"], lock=lock, carrier=carrier, npm_folder=npm)
    assert not (tmp_path / "out" / "demo-1.0-py3-none-any.whl").exists()


def test_assemble_refuses_a_carrier_that_is_not_the_pinned_one(tmp_path):
    payload = b"bytes"
    carrier, lock, npm = _fake(tmp_path, payload, hashlib.sha256(payload).hexdigest())
    with pytest.raises(kr.RuntimeMismatch, match="expected " + kr.CARRIER_SHA256):
        kr.assemble(tmp_path / "out", ["demo"], lock=lock, carrier=carrier, npm_folder=npm)


def test_the_pinned_carrier_holds_the_official_numpy(lock, tmp_path):
    if not kr.CARRIER_PATH.is_file():
        pytest.fail(f"{kr.CARRIER_PATH} is missing: run `bash scripts/setup.sh`")
    written = kr.assemble(tmp_path, ["numpy"], lock=lock)
    entry = lock["packages"]["numpy"]
    assert written == {entry["file_name"]: entry["sha256"]}
    assert (tmp_path / "pyodide.asm.wasm").read_bytes() == \
        (kr.NPM_PYODIDE / "pyodide.asm.wasm").read_bytes()
