"""hooks/python_zip.py: the archive the browser unpacks holds pycore, the demo runner and
the exercise checkers, is deterministic, and is importable on its own."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from pages_on_disk import REPO

from hooks import python_zip


def test_members(tmp_path):
    members = python_zip.write_python_zip(tmp_path / "python.zip", bytecode=False)
    assert "pycore/__init__.py" in members and "exercises/__init__.py" in members
    assert {"demos/__init__.py", "demos/runner.py", "demos/params.py",
            "demos/helpers.py"} <= set(members)
    assert not [m for m in members if m.startswith("demos/0") or "__pycache__" in m]
    assert not [m for m in members if m.endswith(".pyc")]
    with zipfile.ZipFile(tmp_path / "python.zip") as archive:
        assert sorted(archive.namelist()) == members
        assert archive.read("pycore/__init__.py") == (REPO / "pycore/__init__.py").read_bytes()


def test_data_served_beside_the_archive(tmp_path):
    """pycore/data/ stays out of the archive; its files are copied unchanged for the worker."""
    members = python_zip.write_python_zip(tmp_path / "python.zip")
    assert not [m for m in members if m.startswith("pycore/data/")]
    names = python_zip.write_data_files(tmp_path / "pycore-data")
    assert "lm_tiny.npz" in names and "char_tokenizer.json" in names
    for name in names:
        assert (tmp_path / "pycore-data" / name).read_bytes() == \
            (REPO / "pycore" / "data" / name).read_bytes()


def test_missing_data_is_fetched_on_first_read(tmp_path):
    """As in the worker: pycore unpacked without data/, a fetch hook writes a file on demand."""
    python_zip.write_python_zip(tmp_path / "python.zip")
    with zipfile.ZipFile(tmp_path / "python.zip") as archive:
        archive.extractall(tmp_path / "unpacked")
    served = tmp_path / "pycore-data"
    python_zip.write_data_files(served)
    code = (
        "import os, pkgutil, shutil, pycore, pycore.pretrained\n"
        "fetched = []\n"
        "def fetch(path):\n"
        "    fetched.append(os.path.basename(path))\n"
        "    os.makedirs(os.path.dirname(path), exist_ok=True)\n"
        f"    source = os.path.join({str(served)!r}, os.path.basename(path))\n"
        "    if os.path.exists(source):\n"
        "        shutil.copy(source, path)\n"
        "pycore.pretrained.fetch_missing_data(fetch)\n"
        "model, tokenizer = pycore.load_pretrained('lm_tiny')\n"
        "pycore.load_pretrained('lm_tiny')\n"
        "try:\n"
        "    pkgutil.get_data('pycore', 'data/not_shipped.json')\n"
        "except FileNotFoundError:\n"
        "    print('missing stays missing')\n"
        "print(tokenizer.vocab_size, sorted(fetched))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "unpacked"))
    finished = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env,
                              capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    lines = finished.stdout.strip().splitlines()
    assert lines[0] == "missing stays missing"
    # Each file once (the second load reads the disk), the unshipped name tried and absent.
    assert lines[1].endswith("['char_tokenizer.json', 'lm_tiny.npz', 'not_shipped.json']"), lines


def test_bytecode_is_python38s_and_hash_checked(tmp_path):
    """Where a Python 3.8 exists, each source has its 3.8 .pyc, and this machine's never ships."""
    if python_zip.browser_python() is None:
        pytest.skip("no Python 3.8 on this machine: the archive is sources only")
    members = python_zip.write_python_zip(tmp_path / "python.zip")
    sources = [m for m in members if m.endswith(".py")]
    compiled = [m for m in members if m.endswith(".pyc")]
    expected = []
    for name in sources:
        folder, _, stem = name.rpartition("/")
        expected.append(f"{folder}/__pycache__/{stem[:-3]}.cpython-38.pyc")
    assert sorted(compiled) == sorted(expected)
    with zipfile.ZipFile(tmp_path / "python.zip") as archive:
        for name in compiled:
            header = archive.read(name)[:8]
            # 3413 is every CPython 3.8's bytecode magic; flags 3: checked against the source hash.
            assert header[:4] == (3413).to_bytes(2, "little") + b"\r\n", name
            assert int.from_bytes(header[4:8], "little") == 3, name
        # Each records its file in the browser (where the worker unpacks the archive), not
        # on the machine that built it: any machine builds the same archive.
        pyc = archive.read("pycore/__pycache__/softmax.cpython-38.pyc")
        assert b"/home/pyodide/itt/pycore/softmax.py" in pyc
        assert str(REPO).encode() not in pyc


def test_deterministic(tmp_path):
    python_zip.write_python_zip(tmp_path / "a.zip")
    python_zip.write_python_zip(tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_built_site_archive_is_importable_alone(built_site, tmp_path):
    archive = built_site / "assets" / "build" / "python.zip"
    assert archive.is_file(), "the build did not write assets/build/python.zip"
    code = (
        "import pycore, demos.runner, demos.params, exercises; "
        f"assert pycore.__file__.startswith({str(archive)!r}), pycore.__file__; "
        "print(demos.runner.run_demo('import pycore as pc\\nresult = pc.softmax([0.0, 0.0])')"
        "['result'])"
    )
    env = dict(os.environ, PYTHONPATH=str(archive), MPLBACKEND="Agg")
    finished = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env,
                              capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "[0.5, 0.5]"
