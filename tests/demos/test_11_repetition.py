"""demos/11/repetition.py: the greedy text and the repetition measures, recomputed."""
import numpy as np
from numpy.testing import assert_allclose

import pycore as pc


def test_greedy_text_and_measures(run_with):
    result = run_with("11/repetition")
    model, tok = pc.load_pretrained("lm_tiny")
    ids = tok.encode(result["prompt"])
    for _ in range(result["n_new"]):  # uncached argmax loop, independent of pc.generate
        ids.append(int(np.argmax(model.forward(np.array([ids]))[0, -1])))
    greedy = tok.decode(ids[len(tok.encode(result["prompt"])):])
    assert result["greedy_text"] == greedy
    for key in ("greedy", "sampled"):
        text, n = result[key + "_text"], result["n"]
        grams = [text[i:i + n] for i in range(len(text) - n + 1)]
        assert_allclose(result[key + "_distinct"], len(set(grams)) / len(grams), rtol=1e-12,
                        err_msg=f"{key} distinct n-grams")
    period = result["greedy_period"]
    if period:
        tail = greedy[len(greedy) // 2:]
        assert tail == (tail[:period] * len(tail))[: len(tail)]
    assert result["sampled_distinct"] > result["greedy_distinct"]
