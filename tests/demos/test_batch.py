"""demos/batch.py: the build's batch entry point (``python -m demos.batch JOBS OUT``)."""
import json
import subprocess
import sys
from pathlib import Path

from demos.batch import run_batch

ROOT = Path(__file__).resolve().parents[2]


def test_each_demo_starts_from_fresh_print_options_and_bad_params_are_data(tmp_path):
    changes = tmp_path / "changes.py"
    changes.write_text("import numpy as np\nnp.set_printoptions(precision=1)\n"
                       "print(np.array([0.123456]))\nresult = {'ok': True}\n", encoding="utf-8")
    prints = tmp_path / "prints.py"
    prints.write_text("import numpy as np\nprint(np.array([0.123456]))\n", encoding="utf-8")
    bad = tmp_path / "bad.py"
    bad.write_text('x = 9  # @param {type: "slider", min: 0, max: 4}\nresult = x\n',
                   encoding="utf-8")
    runs = run_batch([("98/changes", str(changes)), ("98/prints", str(prints)),
                      ("98/bad", str(bad))])
    assert runs["98/changes"]["outcome"]["stdout"] == "[0.1]\n"
    assert runs["98/prints"]["outcome"]["stdout"] == "[0.123456]\n"
    assert runs["98/changes"]["params"] == [] and runs["98/changes"]["params_error"] is None
    assert runs["98/bad"]["params"] == [] and "outside" in runs["98/bad"]["params_error"]
    assert runs["98/bad"]["outcome"]["result"] == 9


def test_module_entry_point_writes_the_runs_as_json(tmp_path):
    demo = tmp_path / "demo.py"
    demo.write_text('n = 3  # @param {type: "slider", min: 1, max: 4}\nresult = {"n": n}\n',
                    encoding="utf-8")
    out = tmp_path / "runs.json"
    finished = subprocess.run(
        [sys.executable, "-m", "demos.batch", json.dumps([["98/demo", str(demo)]]), str(out)],
        cwd=str(ROOT), capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    run = json.loads(out.read_text(encoding="utf-8"))["98/demo"]
    assert run["outcome"]["result"] == {"n": 3} and run["params"][0]["name"] == "n"
    usage = subprocess.run([sys.executable, "-m", "demos.batch"], cwd=str(ROOT),
                           capture_output=True, text=True, timeout=60)
    assert usage.returncode != 0 and "usage: python -m demos.batch" in usage.stderr
