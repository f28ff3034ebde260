"""demos/03/sinusoidal.py: the encodings follow the interleaved formula; similarity is by offset."""
from pathlib import Path

import numpy as np

from demos.params import parse_params
from demos.runner import run_demo


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

DEMO = Path(__file__).resolve().parents[2] / "demos" / "03" / "sinusoidal.py"


def test_default_and_controls():
    for T, d, base in ((64, 32, 10000.0), (40, 24, 100.0), (8, 8, 1000.0)):
        result = _run(T=T, d=d, base=base)
        assert result["shape"] == [T, d]
        assert result["formula_error"] < 1e-12
        assert result["offset_only_error"] < 1e-12
        assert abs(result["norm"] - np.sqrt(d / 2)) < 1e-12, "each row has norm sqrt(d/2)"
        assert abs(result["shortest_wavelength"] - 2 * np.pi) < 1e-12
        longest = 2 * np.pi * base ** ((d - 2) / d)
        assert abs(result["longest_wavelength"] / longest - 1) < 1e-12
