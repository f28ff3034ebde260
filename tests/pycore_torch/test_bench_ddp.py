"""The README's data-parallel benchmark row states what ``bench/results/ddp.json`` measured:
the median tokens/s of 1 and 2 processes, the speed-up, the load and the JSON's own maker."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_readme_row_is_the_saved_measurement():
    saved = json.loads((REPO / "bench" / "results" / "ddp.json").read_text())
    assert saved["generated_by"] == "bench/bench_ddp.py" and saved["device"] == "cpu"
    rows = {r["processes"]: r for r in saved["rows"]}
    assert sorted(rows) == [1, 2] and rows[2]["parallel"] == "ddp"
    for r in rows.values():
        assert len(r["samples"]) == saved["repeats"] and min(r["samples"]) > 0
        assert sorted(r["samples"])[len(r["samples"]) // 2] == r["tokens_per_second"]
    speed_up = rows[2]["tokens_per_second"] / rows[1]["tokens_per_second"]
    assert abs(speed_up - rows[2]["speed_up"]) < 1e-9
    (row,) = [line for line in (REPO / "README.md").read_text().splitlines()
              if "`bench/bench_ddp.py` |" in line]
    stated = (f"{rows[1]['tokens_per_second']:,.0f} vs {rows[2]['tokens_per_second']:,.0f} "
              f"tokens/s: {speed_up:.2f}x")
    assert stated in row, (stated, row)
    assert f"load average at {saved['load_average_before'][0]:.0f}" in row, row
