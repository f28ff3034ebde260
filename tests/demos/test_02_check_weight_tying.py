"""demos/02/check_weight_tying.py: the starter is marked wrong, the fixed line right."""
from pathlib import Path

from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "02" / "check_weight_tying.py"
STARTER = "answer = 0  # TODO: the number of parameters saved"


def _run(source):
    outcome = run_demo(source, filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    return outcome


def test_starter_is_not_yet_correct():
    source = DEMO.read_text(encoding="utf-8")
    assert STARTER in source
    assert _run(source)["result"]["correct"] is False


def test_fixed_answer_is_correct():
    source = DEMO.read_text(encoding="utf-8").replace(STARTER, "answer = V * d_model")
    outcome = _run(source)
    assert outcome["result"]["correct"] is True
    assert "Correct" in outcome["stdout"]
