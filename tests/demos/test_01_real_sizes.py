"""demos/01/real_sizes.py: the shape map at a preset's published sizes, sizes multiplied out."""
import pytest

import pycore as pc


def test_gpt3_175b_has_its_published_shape(cpython_run):
    outcome = cpython_run("01/real_sizes")
    result = outcome["result"]
    # Brown et al. (2020), table 2.1: 96 layers, 96 heads, d_model 12,288, context 2,048;
    # d_ff = 4 d_model (section 2.1).
    assert result["model"] == "gpt3-175b"
    assert [result[k] for k in ("n_layers", "h", "d_model", "d_ff", "context", "d_head")] == [
        96, 96, 12288, 49152, 2048, 128]
    assert 174e9 < result["n_params"] < 176e9  # "175B", counted from the shape
    assert result["sizes"][3] == 96 * 2048 * 2048  # one layer's scores, one sequence
    assert result["scores_over_residual"] == 96 * 2048 / 12288
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "table"


@pytest.mark.parametrize("name", ["lm_tiny", "gpt2-small", "llama3-70b"])
def test_every_choice_matches_its_config(name, run_with):
    result = run_with("01/real_sizes", model_name=name)
    config = (pc.load_pretrained("lm_tiny")[0].config if name == "lm_tiny"
              else pc.TransformerConfig.preset(name))
    B, T, h, d = 1, config.max_len, config.n_heads, config.d_model
    assert result["shapes"] == [[B, T], [B, T, d], [B, h, T, d // h], [B, h, T, T],
                                [B, T, config.d_ff], [B, T, config.vocab_size]]
    for shape, size in zip(result["shapes"], result["sizes"]):
        product = 1
        for axis in shape:
            product *= axis
        assert size == product
    assert result["n_params"] == pc.count_parameters(config)
