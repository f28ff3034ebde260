"""demos/03/check_sinusoid_row.py: the starter is marked wrong, the fixed line right."""
from pathlib import Path

from demos.runner import run_demo

DEMO = Path(__file__).resolve().parents[2] / "demos" / "03" / "check_sinusoid_row.py"
STARTER = "answer = np.concatenate([np.sin(angles), np.cos(angles)])  # TODO: wrong layout; fix it"


def _run(source):
    outcome = run_demo(source, filename=str(DEMO))
    assert outcome["error"] is None, outcome["error"]
    return outcome


def test_starter_is_not_yet_correct():
    source = DEMO.read_text(encoding="utf-8")
    assert STARTER in source
    outcome = _run(source)
    assert outcome["result"]["correct"] is False
    assert "interleave" in outcome["stdout"]


def test_fixed_answer_is_correct():
    fixed = "answer = np.stack([np.sin(angles), np.cos(angles)], axis=1).ravel()"
    outcome = _run(DEMO.read_text(encoding="utf-8").replace(STARTER, fixed))
    assert outcome["result"]["correct"] is True
