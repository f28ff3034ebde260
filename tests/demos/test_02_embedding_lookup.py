"""demos/02/embedding_lookup.py: one-hot @ E == E[ids]; embeddings carry no position."""
from pathlib import Path

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

DEMO = Path(__file__).resolve().parents[2] / "demos" / "02" / "embedding_lookup.py"


def test_lookup_and_position_blindness():
    result = _run()
    assert result["lookup_error"] == 0.0  # one nonzero term per sum: exact in floating point
    assert result["same_token"] is True
    assert result["bag_difference"] < 1e-12
    assert result["logits_shape"] == [5, 5]
    assert result["multiply_adds_one_hot"] == 5 * 5 * 4
