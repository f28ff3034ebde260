"""demos/13/check_yourself.py: the starter is marked wrong, the right answer right."""
from demos import demo_path
from demos.runner import run_demo
from exercises.ch13 import PROBLEM


def _right():
    alpha = sum(min(p, q) for p, q in zip(PROBLEM["p"], PROBLEM["q"]))
    return sum(alpha ** i for i in range(PROBLEM["gamma"] + 1))  # 1 + alpha + ... + alpha^gamma


def test_starter_is_wrong_and_fixed_line_is_right():
    path = demo_path("13/check_yourself")
    source = path.read_text(encoding="utf-8")
    outcome = run_demo(source, filename=str(path))
    assert outcome["error"] is None, outcome["error"]
    assert outcome["result"]["correct"] is False
    fixed = source.replace("answer = None", f"answer = {_right()!r}")
    outcome = run_demo(fixed, filename=str(path))
    assert outcome["result"]["correct"] is True
