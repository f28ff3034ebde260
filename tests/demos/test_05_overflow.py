"""demos/05/overflow.py: the naive softmax overflows, the max-subtracted one does not."""
from pathlib import Path

import numpy as np
from numpy.testing import assert_allclose

from demos.params import parse_params
from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "05" / "overflow.py"


def _run(**values):
    """Run the demo with some control literals replaced, as the page's controls do."""
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


def _reference(gaps):
    """Softmax from the gaps alone (shift-invariance), computed without any large exponent."""
    e = np.exp(np.asarray(gaps) - np.max(gaps))
    return e / e.sum()


def test_default_shift_overflows_naive_but_not_stable():
    result = _run()
    assert result["shift"] == 1000.0
    assert result["naive_finite"] is False
    assert_allclose(result["stable"], _reference([1.0, 2.0, 3.0]), rtol=1e-13,
                    err_msg="stable softmax of shifted scores")
    assert result["stable_vs_pycore"] < 1e-15
    assert_allclose(result["exp_limit"], np.log(np.finfo(np.float64).max), rtol=1e-15)


def test_small_shift_naive_is_fine():
    result = _run(shift=0.0)
    assert result["naive_finite"] is True
    assert_allclose(result["stable"], _reference([1.0, 2.0, 3.0]), rtol=1e-13,
                    err_msg="stable softmax, no shift")
