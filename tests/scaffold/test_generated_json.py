"""Generated JSON in the repository names the script that made it (CONTRIBUTING, House style:
"Generated files say so"): every committed benchmark result, model metric and shipped data
file starts with ``generated_by``, naming a script of the repository that writes it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RESULTS = sorted([*(REPO / "bench" / "results").rglob("*.json"), *(REPO / "models").glob("*.json"),
                  *(REPO / "pycore" / "data").glob("*.json")])


def test_there_are_results_to_check():
    assert len(RESULTS) >= 8 + 2 + 4


@pytest.mark.parametrize("path", RESULTS, ids=[p.relative_to(REPO).as_posix() for p in RESULTS])
def test_result_names_its_script_first(path):
    result = json.loads(path.read_text(encoding="utf-8"))
    assert next(iter(result)) == "generated_by", f"{path.name}: generated_by is not the first key"
    script = re.match(r"((?:bench|models)/[\w/]+\.py)", result["generated_by"])
    assert script, f"{path.name}: generated_by {result['generated_by']!r} names no script"
    assert (REPO / script.group(1)).is_file(), f"{path.name}: {script.group(1)} does not exist"


WRITERS = sorted([*(REPO / "bench").glob("bench_*.py"), REPO / "models" / "train_lm.py",
                  REPO / "models" / "train_seq2seq.py", REPO / "models" / "train_ln_ablation.py"])


@pytest.mark.parametrize("script", WRITERS, ids=lambda p: p.name)
def test_each_writer_records_its_own_path(script):
    source = script.read_text(encoding="utf-8")
    name = script.relative_to(REPO).as_posix()
    assert f'GENERATED_BY = "{name}"' in source
    assert '{"generated_by": GENERATED_BY' in source or '"generated_by": GENERATED_BY,' in source
