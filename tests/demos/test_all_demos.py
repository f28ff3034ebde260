"""Every demo file runs in CPython through ``demos.runner.run_demo_file`` without error and
sets a JSON-able ``result``. (Chapter-specific checks of the values are in test_NN_*.py.)"""
import json

import pytest

from demos import all_demo_ids, demo_path
from demos.params import parse_params

DEMO_IDS = all_demo_ids()


def test_there_are_demos():
    assert DEMO_IDS, "no demo files under demos/NN/"


@pytest.mark.parametrize("demo_id", DEMO_IDS)
def test_demo_runs_and_sets_a_jsonable_result(cpython_run, demo_id):
    outcome = cpython_run(demo_id)
    assert outcome["error"] is None, f"{demo_id} failed in CPython:\n{outcome['error']}"
    assert outcome["result"] is not None, f"{demo_id} sets no module-level `result`"
    text = json.dumps(outcome["result"], allow_nan=False)
    assert json.loads(text) == outcome["result"], f"{demo_id}: result does not round-trip"
    assert isinstance(outcome["stdout"], str) and isinstance(outcome["figures"], list)


@pytest.mark.parametrize("demo_id", DEMO_IDS)
def test_demo_params_parse(demo_id):
    source = demo_path(demo_id).read_text(encoding="utf-8")
    for control in parse_params(source):
        line = source.splitlines()[control["line"]]
        assert line.startswith(control["name"]), (
            f"{demo_id}: @param {control['name']!r} is not on line {control['line'] + 1}"
        )
