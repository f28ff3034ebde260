"""demos/10/alignment.py and check_yourself.py, against the shipped date model directly."""
import numpy as np
from demo_helpers import run_exercise

import pycore as pc
from pycore.seq2seq import translate


def test_alignment_matches_the_models_own_cross_attention(run_with):
    model, tokenizer = pc.load_pretrained_seq2seq()
    for source in ["24 Nov 2026", "24/11/2026"]:
        result = run_with("10/alignment", source=source, layer=1)
        outputs, steps = translate(model, tokenizer, [source],
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


def test_figures_hold_the_alignment_and_each_head(cpython_run):
    outcome = cpython_run("10/alignment")
    result = outcome["result"]
    heatmap, view = outcome["figures"]
    meta = heatmap["usermeta"]["itt"]
    assert meta["kind"] == "heatmap" and meta["caption"]
    assert "'2' from '2' at 7" in meta["alt"], "the text alternative reads the alignment out"
    cells = heatmap["data"]["values"]
    shown = np.zeros((10, 11))
    for cell in cells:
        shown[cell["r"], cell["c"]] = cell["value"]
    np.testing.assert_array_equal(shown, result["alignment"], err_msg="heatmap cells")
    x_axis, y_axis = (heatmap["encoding"][c]["axis"]["labelExpr"] for c in ("x", "y"))
    assert '["2", "4", "␣", "N", "o", "v", "␣", "2", "0", "2", "6"]' in x_axis, "source"
    assert '["2", "0", "2", "6", "-", "1", "1", "-", "2", "4"]' in y_axis, "output"
    # The attention view: every head's weight above 1%, and their mean is the heatmap.
    assert view["usermeta"]["itt"]["kind"] == "attention_view"
    per_head = np.zeros((2, 4, 10, 11))
    for edge in view["datasets"]["itt_edges"]:
        per_head[edge["l"], edge["h"], edge["q"], edge["k"]] = edge["w"]
    np.testing.assert_allclose(per_head[1].mean(axis=0), result["alignment"], atol=0.01,
                               err_msg="heads average to the heatmap (weights <= 1% left out)")


def test_the_alignment_is_not_monotonic(cpython_run):
    result = cpython_run("10/alignment")["result"]
    # "24 Nov 2026" -> "2026-11-24": the year's last digit reads the end of the source and
    # the day's last digit reads its start.
    assert result["strongest"][3] > result["strongest"][9]


def test_check_yourself_starter_is_not_yet_correct():
    assert run_exercise("10/check_yourself")["result"]["correct"] is False
