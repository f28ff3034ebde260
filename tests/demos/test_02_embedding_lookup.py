"""demos/02/embedding_lookup.py: one-hot @ E == E[ids]; embeddings carry no position."""
def test_lookup_and_position_blindness(run_with):
    result = run_with("02/embedding_lookup")
    assert result["lookup_error"] == 0.0  # one nonzero term per sum: exact in floating point
    assert result["same_token"] is True
    assert result["bag_difference"] < 1e-12
    assert result["logits_shape"] == [5, 5]
    assert result["multiply_adds_one_hot"] == 5 * 5 * 4
