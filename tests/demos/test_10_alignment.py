"""demos/10/alignment.py and check_yourself.py, against the shipped date model directly."""
import numpy as np
from demo_helpers import run_exercise

from pycore import dates


def test_alignment_matches_the_models_own_cross_attention(run_with):
    model, tokenizer = dates.load_pretrained_seq2seq()
    for source in ["24 Nov 2026", "24/11/2026"]:
        result = run_with("10/alignment", source=source, layer=1)
        outputs, steps = dates.translate(model, tokenizer, [source],
                                         return_cross_attention=True)
        assert result["output"] == outputs[0] == "2026-11-24"
        assert result["encoder_calls"] == 1
        assert result["decoder_calls"] == len(steps) == len(outputs[0]) + 1
        expected = np.array([step[1][0, :, 0, : len(source)].mean(axis=0)
                             for step in steps[: len(outputs[0])]])
        np.testing.assert_allclose(result["alignment"], expected, rtol=1e-12,
                                   err_msg="cross-attention rows")
        np.testing.assert_allclose(np.sum(result["alignment"], axis=1), 1.0, atol=1e-12)
        assert result["strongest"] == expected.argmax(axis=1).tolist()


def test_the_alignment_is_not_monotonic(cpython_run):
    result = cpython_run("10/alignment")["result"]
    # "24 Nov 2026" -> "2026-11-24": the year's last digit reads the end of the source and
    # the day's last digit reads its start.
    assert result["strongest"][3] > result["strongest"][9]


def test_check_yourself_starter_is_not_yet_correct():
    assert run_exercise("10/check_yourself")["result"]["correct"] is False
