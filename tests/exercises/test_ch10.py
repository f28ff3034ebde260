"""exercises/ch10.py: the call-count checker accepts the counts and rejects typical slips."""
from exercises import check
from exercises.ch10 import SOURCE, count_calls


def test_counts_come_from_running_the_model():
    encoder_calls, decoder_calls, output = count_calls()
    assert output == "2026-11-24"
    assert encoder_calls == 1
    assert decoder_calls == len(output) + 1  # every character, then end-of-sequence


def test_accepts_the_right_counts(capsys):
    assert check("10/call_counts", (1, len("2026-11-24") + 1))["correct"] is True
    assert "Correct" in capsys.readouterr().out


def test_rejects_typical_slips_with_hints(capsys):
    right_decoder = len("2026-11-24") + 1
    for wrong, hint in [((right_decoder, right_decoder), "encoder"),
                        ((1, right_decoder - 1), "end-of-sequence"),
                        ((1, len(SOURCE)), "writes"),
                        ((1, 1), "count")]:
        outcome = check("10/call_counts", wrong)
        assert outcome["correct"] is False, wrong
        assert hint in outcome["hint"], (wrong, outcome["hint"])
    assert str(right_decoder) not in capsys.readouterr().out
