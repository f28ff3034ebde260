"""hooks/pyodide_package.py and hooks/runtime_bytecode.py: the site's packages of Pyodide
hold what npm's do (less NumPy's test suites), plus bytecode that Python 3.8 accepts."""
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
def site_numpy(npm_numpy):
    loader, data, _ = npm_numpy
    new_loader, new_data = runtime_bytecode.rewritten_numpy(loader, data)
    return new_loader, new_data, pyodide_package.read_package(new_loader, new_data)


@pytest.fixture(scope="module")
def site_core():
    new_loader, new_data = runtime_bytecode.rewritten_core(*npm_package("pyodide.asm"))
    return new_loader, new_data, pyodide_package.read_package(new_loader, new_data)


def expected_bytecode(sources):
    """The .pyc names of ``sources`` (absolute .py paths)."""
    return {python_zip.pyc_path(source) for source in sources}


@pytest.fixture
def python_3_8():
    if python_zip.browser_python() is None:
        pytest.skip("no Python 3.8 to compile the browser's bytecode")


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


def test_site_package_keeps_numpy_but_what_a_browser_cannot_use(npm_numpy, site_numpy):
    _, _, before = npm_numpy
    _, new_data, after = site_numpy
    dropped = set(before) - set(after)
    assert dropped and all(not runtime_bytecode.browser_needs(name) for name in dropped)
    for left_out in ("/lib/python3.8/site-packages/numpy/core/tests/test_numeric.py",
                     "/lib/python3.8/site-packages/numpy/core/include/numpy/ndarrayobject.h",
                     "/lib/python3.8/site-packages/numpy/distutils/misc_util.py",
                     "/lib/python3.8/site-packages/numpy/f2py/__init__.py",
                     "/lib/python3.8/site-packages/numpy/core/setup.py", "/bin/f2py3.8"):
        assert left_out in dropped, left_out
    assert "/lib/python3.8/site-packages/numpy/ctypeslib.py" in after
    kept = {name: content for name, content in before.items() if name not in dropped}
    assert {name: after[name] for name in kept} == kept
    assert "/lib/python3.8/site-packages/numpy/core/_multiarray_umath.so" in after
    # Smaller than npm's package, bytecode included.
    assert len(new_data) < len(npm_numpy[1])


def test_bytecode_for_numpy(site_numpy, python_3_8):
    _, _, files = site_numpy
    bytecode = {name for name in files if name.endswith(".pyc")}
    assert bytecode == expected_bytecode(
        name for name in files if runtime_bytecode.needs_bytecode(name))
    assert "/lib/python3.8/site-packages/numpy/core/__pycache__/numeric.cpython-38.pyc" \
        in bytecode
    assert not [name for name in bytecode if "/distutils/" in name or "/f2py/" in name]


def test_bytecode_for_the_standard_library_a_page_imports(stdlib, site_core, python_3_8):
    _, _, files = site_core
    added = set(files) - set(stdlib)
    assert added == expected_bytecode(
        f"/lib/python3.8/{module}.py" for module in runtime_bytecode.PYTHON_MODULES)
    assert {name: files[name] for name in stdlib} == stdlib
    assert "/lib/python3.8/__pycache__/inspect.cpython-38.pyc" in added


@pytest.mark.parametrize("package", ["numpy", "core"])
def test_python_3_8_accepts_the_bytecode(package, site_numpy, site_core, stdlib, tmp_path,
                                         python_3_8):
    """Each .pyc is hash-checked, and its hash is the one Python 3.8 computes from the source
    the browser has; so the browser's import uses it instead of compiling."""
    python = python_zip.browser_python()
    _, _, files = site_numpy if package == "numpy" else site_core
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


def test_the_same_sources_give_the_same_package(npm_numpy, site_numpy, python_3_8):
    """The bytecode records each module's path in the browser, never a build folder: a
    rebuild (a deploy without .cache/) gives readers the same bytes, which stay cached."""
    loader, data, _ = npm_numpy
    again = runtime_bytecode.rewritten_numpy(loader, data)
    assert again == site_numpy[:2]
    pyc = site_numpy[2]["/lib/python3.8/site-packages/numpy/core/__pycache__/numeric.cpython-38.pyc"]
    assert b"/lib/python3.8/site-packages/numpy/core/numeric.py" in pyc
    assert b"/tmp" not in pyc
