"""demos/09/layer_diagnostics.py: entropies and residual norms recomputed from the model."""
import numpy as np
from numpy.testing import assert_allclose

import pycore as pc


def test_entropy_and_norms(run_with):
    result = run_with("09/layer_diagnostics")
    model, tok = pc.load_pretrained("lm_tiny")
    ids = np.array([tok.encode(result["text"])])  # (1, T)
    _, diag = model.forward(ids, return_diagnostics=True)
    L, h, T = model.config.n_layers, model.config.n_heads, ids.shape[1]
    assert np.shape(result["entropy"]) == (L, h)
    for layer, weights in enumerate(diag["attention"]):
        w = weights[0].astype(np.float64)  # (h, T, T)
        assert np.all(np.triu(w, k=1) == 0), "causal: no weight on later positions"
        plogp = np.where(w > 0, w * np.log(np.where(w > 0, w, 1.0)), 0.0)
        expected = -plogp.sum(axis=-1).mean(axis=-1)  # (h,)
        assert_allclose(result["entropy"][layer], expected, rtol=1e-4,
                        err_msg=f"entropy, layer {layer}")
    assert_allclose(result["uniform_entropy"], np.mean([np.log(t + 1) for t in range(T)]),
                    rtol=1e-12, err_msg="uniform entropy")
    assert np.all(np.asarray(result["entropy"]) <= result["uniform_entropy"] + 1e-5)
    norms = [np.linalg.norm(r[0].astype(np.float64), axis=-1).mean() for r in diag["residuals"]]
    assert_allclose(result["norms"], norms, rtol=1e-5, err_msg="residual norms")
