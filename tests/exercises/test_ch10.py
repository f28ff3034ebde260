"""exercises/ch10.py: a prediction of where cross-attention reads, checked against the model."""
import numpy as np

from exercises import check
from exercises.ch10 import DAY, MONTH, SOURCE, YEAR, cross_attention_row


def test_the_model_reads_the_month_name_for_the_month():
    output, row = cross_attention_row()
    assert output == "2026-11-24"
    assert np.isclose(row.sum(), 1.0)
    assert int(np.argmax(row)) in MONTH, "the claim the exercise rests on"
    assert SOURCE[MONTH.start:MONTH.stop] == "Nov" and SOURCE[DAY.start:DAY.stop] == "24"


def test_accepts_any_position_in_the_month_name_and_shows_the_model(capsys):
    for position in list(MONTH) + [float(MONTH.start)]:
        assert check("10/month_source", position)["correct"] is True
    out = capsys.readouterr().out
    assert "Correct" in out and "strongest weight" in out


def test_rejects_typical_predictions_with_specific_hints():
    for wrong, hint in [(DAY.start, "day"), (YEAR.start + 2, "year"), (4, "space"),
                        ("v", "not a character"), (None, "set `answer`"), (2.5, "whole"),
                        (len(SOURCE), "whole number from 0")]:
        outcome = check("10/month_source", wrong)
        assert outcome["correct"] is False, wrong
        assert hint in outcome["hint"], (wrong, outcome["hint"])
