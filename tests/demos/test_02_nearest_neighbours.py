"""demos/02/nearest_neighbours.py: words of one class are each other's nearest neighbours."""
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

DEMO = Path(__file__).resolve().parents[2] / "demos" / "02" / "nearest_neighbours.py"
CLASS_SIZE = {"cat": 4, "bread": 4, "kitchen": 4, "runs": 3, "red": 4}


def test_neighbours_share_the_query_class():
    for query, size in CLASS_SIZE.items():
        result = _run(query=query)
        assert result["query"] == query and query not in result["neighbours"]
        assert result["same_class_in_top3"] == min(3, size - 1), query
        sims = np.array(result["similarities"])
        assert np.all(np.diff(sims) <= 1e-12) and np.all(np.abs(sims) <= 1 + 1e-12), query


def test_dimension_control():
    result = _run(dims=3)
    assert len(result["neighbours"]) == 5
