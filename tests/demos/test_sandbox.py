"""demos/sandbox.py: each run starts from the book's state, whatever an earlier run changed
(issue 15, "One demo cannot corrupt another"). Runs in a fresh interpreter, the way the
browser's worker uses it: import the library, take the state, then run demo after demo."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# What a clean run sees; each pollution below must leave it unchanged for the next run.
PROBE = textwrap.dedent('''
    import contextlib, gc, io, json, os, random, signal, sys, warnings
    import numpy as np
    import pycore
    import exercises.ch04
    warnings.simplefilter("always")
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn("probe")
    result = {
        "softmax": pycore.softmax(np.array([0.0, 0.0])).tolist(),
        "stderr_is_run_stream": type(sys.stderr).__name__,
        "printed": str(np.array([1 / 3])),
        "divide": np.geterr()["divide"],
        "path_head": sys.path[0],
        "numpy_is_module": type(sys.modules["numpy"]).__name__,
        "print_is_builtin": type(print).__name__,
        "random": float(np.random.random()),
        "cwd": os.getcwd(),
        "env": os.environ.get("ITT_POLLUTED", ""),
        "json_dumps": json.dumps is json.JSONEncoder.encode or json.dumps.__module__,
        "exercise_patched": getattr(exercises.ch04, "_polluted", False),
        "recursion_limit": sys.getrecursionlimit(),
        "submodule_softmax": sys.modules["pycore.softmax"].softmax(np.zeros(2)).tolist(),
        "mean": float(np.mean([1.0, 3.0])),
        "recursion_setter": sys.setrecursionlimit.__name__,
        "sigint": repr(signal.getsignal(signal.SIGINT)),
        "gc": gc.isenabled(),
        "stdlib_random": random.random(),
    }
    with contextlib.redirect_stdout(io.StringIO()):
        result["verdict"] = exercises.verdict(False, hint="wrong")
        result["check"] = exercises.check("04/causal_weights", None)["correct"]
    print(json.dumps(result))
''')

POLLUTIONS = {
    "library function": "import pycore\npycore.softmax = lambda x, axis=-1: x * 0\n",
    "library submodule attribute": (
        "import sys\nsys.modules['pycore.softmax'].softmax = lambda x, axis=-1: x * 0\n"
    ),
    "sys.stderr": "import sys, io\nsys.stderr = io.StringIO()\n",
    "runner in __main__": (
        "import __main__, demos.runner\n__main__.run_demo = None\n"
        "demos.runner.run_demo = lambda *a, **k: 1/0\ndemos.runner.to_jsonable = None\n"
    ),
    "numpy seterr": "import numpy as np\nnp.seterr(all='raise')\n",
    "numpy printoptions": "import numpy as np\nnp.set_printoptions(precision=1, sign='+')\n",
    "warnings filter": "import warnings\nwarnings.simplefilter('ignore')\nwarnings.warn = print\n",
    "sys.path": "import sys\nsys.path.insert(0, '/nowhere')\nsys.path = ['/elsewhere']\n",
    "sys.modules": (
        "import sys, types\nsys.modules['numpy'] = types.SimpleNamespace()\n"
        "sys.modules['pycore'] = None\n"
    ),
    "builtins": (
        "import builtins\nbuiltins.print = lambda *a, **k: None\n"
        "for name in ['len', 'all', 'map', 'list', 'vars', 'isinstance', 'getattr', 'setattr',\n"
        "             'type', 'dict', 'str', 'sorted']:\n"
        "    builtins.__dict__.pop(name)\n"
    ),
    "numpy random seed": "import numpy as np\nnp.random.seed(12345)\nnp.random.random()\n",
    "working directory and environment": (
        "import os\nos.chdir('/')\nos.environ['ITT_POLLUTED'] = '1'\n"
    ),
    "json module": "import json\njson.dumps = lambda *a, **k: 'forged'\n",
    "exercise module": "import exercises.ch04 as e\ne._polluted = True\n",
    "recursion limit": "import sys\nsys.setrecursionlimit(50)\n",
    # In place, without rebinding a name: a function's code, defaults and closure cells.
    "function code": (
        "import pycore\npycore.softmax.__code__ = (lambda x, axis=-1: x * 0).__code__\n"
    ),
    "function defaults": "import pycore\npycore.softmax.__defaults__ = (0,)\n",
    "numpy closure cell": (
        "import numpy as np\nfor cell in getattr(np.mean, '__closure__', None) or ():\n"
        "    if callable(cell.cell_contents):\n"
        "        cell.cell_contents = lambda *a, **k: 7.0\n"
    ),
    "numpy implementation code": (
        "import numpy as np\nimpl = getattr(np.mean, '__wrapped__', None)\n"
        "if impl is not None:\n    impl.__code__ = (lambda *a, **k: 7.0).__code__\n"
    ),
    # A badge forged from outside the checker's run: the verdict every checker returns.
    "verdict code": (
        "import exercises\nexercises.verdict.__code__ = (lambda correct, hint='', praise='':\n"
        "    {'correct': True, 'hint': ''}).__code__\n"
    ),
    # The sandbox's own machinery, which a run can import and disable.
    "sandbox restore code": (
        "import demos.sandbox as s, pycore\n"
        "s.BookState.restore.__code__ = (lambda self: None).__code__\n"
        "pycore.softmax = lambda x, axis=-1: x * 0\n"
    ),
    "sandbox restore method": (
        "import demos.sandbox as s, pycore\ns.BookState.restore = lambda self: None\n"
        "pycore.softmax = lambda x, axis=-1: x * 0\n"
    ),
    "sandbox helper": (
        "import demos.sandbox as s, pycore\ns._restore_namespace = lambda *a: None\n"
        "s.len = lambda *a: 0\npycore.softmax = lambda x, axis=-1: x * 0\n"
    ),
    "operator.is_ and sys functions": (
        "import operator, sys, pycore\noperator.is_ = lambda a, b: True\n"
        "sys.setrecursionlimit = lambda n: None\npycore.softmax = lambda x, axis=-1: x * 0\n"
    ),
    # Process-wide switches: Stop's SIGINT handler, the garbage collector, stdlib random.
    "SIGINT handler": "import signal\nsignal.signal(signal.SIGINT, lambda *a: None)\n",
    "gc disabled": "import gc\ngc.disable()\n",
    "random seed": "import random\nrandom.seed(7)\nrandom.random()\n",
    "library class": (
        "import pycore\ncls = next(v for v in vars(pycore).values() if isinstance(v, type) "
        "and v.__module__.startswith('pycore'))\ncls.__init__ = None\ncls.extra = 1\n"
    ),
}

DRIVER = textwrap.dedent('''
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import numpy, pycore, exercises.ch04
    from demos.sandbox import make_entry

    def main(entry):
        # Locals only: the sandbox restores __main__ to what it held when make_entry ran.
        probe, pollutions = json.loads(sys.stdin.read())
        def stdout_of(source, name):
            outcome = json.loads(entry(source, name, None))
            assert outcome["error"] is None, (name, outcome["error"])
            return outcome["stdout"]
        clean = stdout_of(probe, "probe")
        report = {}
        for name, pollution in pollutions.items():
            polluted = json.loads(entry(pollution, name, None))
            report[name] = {"pollution_error": polluted["error"], "after": stdout_of(probe, name)}
        print(json.dumps({"clean": clean, "report": report}))

    main(make_entry())
''')


@pytest.fixture(scope="module")
def runs():
    completed = subprocess.run(
        [sys.executable, "-c", DRIVER, str(REPO)], input=json.dumps([PROBE, POLLUTIONS]),
        capture_output=True, text=True, cwd=str(REPO), timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(POLLUTIONS))
def test_next_run_starts_from_the_book_state(runs, name):
    report = runs["report"][name]
    if name != "builtins":  # without len(), the runner cannot read that very run's output
        assert report["pollution_error"] is None, report["pollution_error"]
    clean = json.loads(runs["clean"])
    after = json.loads(report["after"])
    assert after == clean, f"after {name!r}: {after} != {clean}"
    assert clean["softmax"] == [0.5, 0.5] and clean["divide"] == "warn"
    assert clean["mean"] == 2.0 and clean["verdict"] == {"correct": False, "hint": "wrong"}
    assert clean["check"] is False


def test_matplotlib_rcparams_restored():
    pytest.importorskip("matplotlib")
    driver = textwrap.dedent('''
        import json, sys
        sys.path.insert(0, sys.argv[1])
        import numpy, pycore
        from demos.sandbox import make_entry

        def main(entry):
            pollute = "import matplotlib\\nmatplotlib.rcParams['text.usetex'] = True\\n" \\
                      "matplotlib.rcParams['font.size'] = 99\\n"
            probe = "import matplotlib\\nresult = [matplotlib.rcParams['text.usetex'], " \\
                    "matplotlib.rcParams['font.size']]\\n"
            first = json.loads(entry(probe, "probe", None))["result"]
            json.loads(entry(pollute, "pollute", None))
            second = json.loads(entry(probe, "probe", None))["result"]
            print(json.dumps([first, second]))

        main(make_entry())
    ''')
    completed = subprocess.run(
        [sys.executable, "-c", driver, str(REPO)], capture_output=True, text=True,
        cwd=str(REPO), timeout=300, env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    first, second = json.loads(completed.stdout.strip().splitlines()[-1])
    assert first == second == [False, first[1]] and first[1] != 99


def test_book_modules_are_imported_as_shipped_whatever_a_run_wrote(tmp_path):
    """A run that rewrites a checker's file, plants a shadowing package or bytecode: the
    checker a later run imports afresh is still the shipped one (no planted badge)."""
    import shutil

    for tree in ("pycore", "exercises", "demos"):
        shutil.copytree(REPO / tree, tmp_path / tree,
                        ignore=shutil.ignore_patterns("__pycache__", "[0-9][0-9]", "data"))
    driver = textwrap.dedent('''
        import json, sys
        sys.path.insert(0, sys.argv[1])
        import numpy, pycore
        from demos.sandbox import make_entry

        TAMPER = """
        import os, exercises
        top = os.path.dirname(exercises.__file__)
        with open(os.path.join(top, "ch07.py"), "w") as handle:
            handle.write("TAMPERED = True\\\\n")
        os.makedirs(os.path.join(top, "ch08"), exist_ok=True)
        with open(os.path.join(top, "ch08", "__init__.py"), "w") as handle:
            handle.write("TAMPERED = True\\\\n")
        """
        PROBE = """
        import exercises.ch07, exercises.ch08, inspect
        result = [getattr(exercises.ch07, "TAMPERED", False),
                  getattr(exercises.ch08, "TAMPERED", False),
                  "TAMPERED" in inspect.getsource(exercises.ch07),
                  exercises.ch07.__name__]
        """

        def main(entry):
            tampered = json.loads(entry(TAMPER.replace("\\\\n        ", "\\\\n"), "t", None))
            probe = json.loads(entry(PROBE.replace("\\\\n        ", "\\\\n"), "p", None))
            print(json.dumps([tampered["error"], probe["error"], probe["result"]]))

        main(make_entry())
    ''')
    completed = subprocess.run(
        [sys.executable, "-c", driver, str(tmp_path)], capture_output=True, text=True,
        cwd=str(tmp_path), timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    tamper_error, probe_error, result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert tamper_error is None and probe_error is None, (tamper_error, probe_error)
    assert (tmp_path / "exercises" / "ch07.py").read_text() == "TAMPERED = True\n"
    assert result == [False, False, False, "exercises.ch07"]
