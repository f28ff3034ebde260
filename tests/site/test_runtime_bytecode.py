"""hooks/pyodide_package.py and hooks/runtime_bytecode.py: the site's NumPy package for
Pyodide holds what npm's does (less the test suites), plus bytecode that Python 3.8 accepts."""
from __future__ import annotations

import json
import subprocess

import pytest
from pages_on_disk import REPO

from hooks import pyodide_package, python_zip, runtime_bytecode

NPM = REPO / "node_modules" / "@pyodide" / "pyodide" / "dist"


def npm_package(name):
    loader = NPM / f"{name}.js"
    if not loader.is_file():
        pytest.fail(f"{loader} is missing: run `npm ci` (scripts/setup.sh)", pytrace=False)
    return loader.read_text(encoding="utf-8"), (NPM / f"{name}.data").read_bytes()


@pytest.fixture(scope="module")
def npm_numpy():
    loader, data = npm_package("numpy")
    return loader, data, pyodide_package.read_package(loader, data)


@pytest.fixture(scope="module")
def stdlib():
    return pyodide_package.read_package(*npm_package("pyodide.asm"))


@pytest.fixture(scope="module")
def site_numpy(npm_numpy, stdlib):
    loader, data, _ = npm_numpy
    new_loader, new_data = runtime_bytecode.rewritten_package(loader, data, stdlib)
    return new_loader, new_data, pyodide_package.read_package(new_loader, new_data)


def test_reads_both_loader_styles(npm_numpy, stdlib):
    """Keys bare (numpy.js) and quoted (pyodide.asm.js), numbers minified (3581e3)."""
    _, _, files = npm_numpy
    assert len(files) == 468
    assert files["/lib/python3.8/site-packages/numpy/version.py"].startswith(b"\n# THIS FILE")
    # symbol.py's end is written 3581e3 in pyodide.asm.js.
    assert stdlib["/lib/python3.8/symbol.py"].startswith(b'"""Non-terminal symbols')
    assert len(stdlib) == 528


def test_write_then_read_gives_the_same_files(npm_numpy):
    loader, _, files = npm_numpy
    chosen = dict(list(files.items())[:40])
    chosen["/lib/python3.8/site-packages/extra/empty.py"] = b""
    chosen["/lib/python3.8/site-packages/extra/incompressible.bin"] = bytes(range(256)) * 9
    new_loader, new_data = pyodide_package.write_package(loader, chosen)
    assert pyodide_package.read_package(new_loader, new_data) == chosen
    assert list(pyodide_package.read_package(new_loader, new_data)) == list(chosen)
    # Its folders are created, and only its folders.
    assert 'Module["FS_createPath"]("/lib/python3.8/site-packages","extra",true,true);' \
        in new_loader
    assert '"numpy/core","tests"' not in new_loader.replace("/lib/python3.8/site-packages/", "")
    # The same files give the same package (deterministic, its id included).
    assert pyodide_package.write_package(loader, chosen) == (new_loader, new_data)


def test_a_loader_of_another_form_is_refused():
    with pytest.raises(pyodide_package.PackageFormatError):
        pyodide_package.read_package("var Module = {};", b"")
    with pytest.raises(pyodide_package.PackageFormatError):
        pyodide_package.write_package("var Module = {};", {"/a.py": b""})


def test_site_package_keeps_numpy_but_its_tests(npm_numpy, site_numpy):
    _, _, before = npm_numpy
    _, new_data, after = site_numpy
    dropped = set(before) - set(after)
    assert dropped and all("/tests/" in name or "/core/include/" in name or name.endswith(".a")
                           for name in dropped)
    kept = {name: content for name, content in before.items() if name not in dropped}
    assert {name: after[name] for name in kept} == kept
    assert "/lib/python3.8/site-packages/numpy/core/_multiarray_umath.so" in after
    # Smaller than npm's package, bytecode included.
    assert len(new_data) < len(npm_numpy[1])


def test_bytecode_for_numpy_and_the_stdlib_it_imports(site_numpy):
    if python_zip.browser_python() is None:
        pytest.skip("no Python 3.8 to compile the browser's bytecode")
    _, _, files = site_numpy
    bytecode = {name for name in files if name.endswith(".pyc")}
    wanted = {name for name in files if runtime_bytecode.needs_bytecode(name)}
    wanted |= {f"/lib/python3.8/{module}.py" for module in runtime_bytecode.STDLIB_IMPORTS}
    expected = set()
    for source in wanted:
        folder, _, stem = source.rpartition("/")
        expected.add(f"{folder}/__pycache__/{stem[:-3]}.cpython-38.pyc")
    assert bytecode == expected
    assert "/lib/python3.8/site-packages/numpy/core/__pycache__/numeric.cpython-38.pyc" \
        in bytecode
    assert not [name for name in bytecode if "/distutils/" in name or "/f2py/" in name]


def test_python_3_8_accepts_the_bytecode(site_numpy, stdlib, tmp_path):
    """Each .pyc is hash-checked, and its hash is the one Python 3.8 computes from the source
    the browser has; so the browser's import uses it instead of compiling."""
    python = python_zip.browser_python()
    if python is None:
        pytest.skip("no Python 3.8 to compile the browser's bytecode")
    _, _, files = site_numpy
    pairs = []
    for index, name in enumerate(sorted(name for name in files if name.endswith(".pyc"))):
        folder, _, pyc = name.rpartition("/__pycache__/")
        source = f"{folder}/{pyc.split('.')[0]}.py"
        (tmp_path / f"{index}.pyc").write_bytes(files[name])
        (tmp_path / f"{index}.pyc.py").write_bytes(files.get(source, stdlib.get(source, b"")))
        pairs.append(f"{index}.pyc")
    (tmp_path / "pairs.json").write_text(json.dumps(pairs))
    checker = REPO / "tests" / "site" / "pyc_check.py"
    finished = subprocess.run([python, str(checker), str(tmp_path)], capture_output=True,
                              text=True)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert finished.stdout.split() == ["checked", str(len(pairs))]
