"""demos/runner.py: a reader's code, whatever it does, is answered as data (issue 15)."""
import numpy as np

from demos.runner import MAX_EXACT_INTEGER, run_demo


def test_integers_beyond_two_to_the_53_are_rejected_clearly():
    outcome = run_demo("result = {'big': 2**53 + 1}\n", filename="demos/x.py")
    assert outcome["result"] is None and "beyond 2**53" in outcome["error"]
    exact = run_demo(f"result = [{MAX_EXACT_INTEGER}, 1e308, 5e-324]\n")
    assert exact["error"] is None and exact["result"] == [2**53, 1e308, 5e-324]


def test_a_result_that_contains_itself_is_an_error_not_a_crash():
    outcome = run_demo("a = []\na.append(a)\nresult = a\n")
    assert outcome["result"] is None
    assert outcome["error"].startswith("TypeError: result is nested more than 40 levels deep "
                                       "or contains itself")
    deep = run_demo("import numpy as np\nresult = np.zeros((1,) * 30).tolist()\n")
    assert deep["error"] is None and deep["result"] == np.zeros((1,) * 30).tolist()


def test_a_result_whose_conversion_raises_is_an_error_not_a_crash():
    source = ("class Odd:\n    def tolist(self):\n        raise KeyError('nope')\n\n"
              "result = {'x': Odd()}\n")
    outcome = run_demo(source)
    assert outcome["result"] is None
    assert "could not be converted to JSON (KeyError: 'nope')" in outcome["error"]


def test_syntax_error_names_the_demo_file_and_line():
    outcome = run_demo("x = 1\ny = (1,\n", filename="demos/04/one.py")
    assert 'File "demos/04/one.py", line 2' in outcome["error"]
    assert "SyntaxError" in outcome["error"] and "runner.py" not in outcome["error"]


def test_exit_and_stderr_are_data():
    outcome = run_demo("import sys\nprint('a')\nprint('b', file=sys.stderr)\nsys.exit(3)\n")
    assert "SystemExit: 3" in outcome["error"]
    assert outcome["output"] == [["stdout", "a\n"], ["stderr", "b\n"]]
