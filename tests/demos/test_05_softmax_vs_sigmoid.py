"""demos/05/softmax_vs_sigmoid.py: softmax weights compete, sigmoid gates do not."""
from pathlib import Path

import numpy as np
from numpy.testing import assert_allclose

from demos.params import parse_params
from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "05" / "softmax_vs_sigmoid.py"
BASE = np.array([1.0, 0.5, 0.0, -0.5])  # the demo's scores, restated independently


def _run(**values):
    source = DEMO.read_text(encoding="utf-8")
    lines = source.splitlines()
    for control in parse_params(source):
        if control["name"] in values:
            name, rest = lines[control["line"]].split("=", 1)
            comment = rest[rest.index("#"):]
            lines[control["line"]] = f"{name}= {values[control['name']]!r}  {comment}"
    outcome = run_demo("\n".join(lines), filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    return outcome["result"]


def test_boost_takes_weight_from_others_only_under_softmax():
    for boost in (3.0, -2.0):
        result = _run(boost=boost)
        s = BASE + np.array([boost, 0.0, 0.0, 0.0])
        assert_allclose(result["softmax"], np.exp(s) / np.exp(s).sum(), rtol=1e-12,
                        err_msg="softmax")
        assert_allclose(result["sigmoid"], 1 / (1 + np.exp(-s)), rtol=1e-12, err_msg="sigmoid")
        assert abs(result["softmax_sum"] - 1) < 1e-12
        assert result["others_sigmoid_change"] == [0.0, 0.0, 0.0]
        changes = np.array(result["others_softmax_change"])
        assert np.all(np.sign(changes) == -np.sign(boost)), f"softmax change, boost={boost}"
