"""demos/05/softmax_vs_sigmoid.py: softmax weights compete, sigmoid gates do not."""
import numpy as np
from numpy.testing import assert_allclose

BASE = np.array([1.0, 0.5, 0.0, -0.5])  # the demo's scores, restated independently


def test_boost_takes_weight_from_others_only_under_softmax(run_with):
    for boost in (3.0, -2.0):
        result = run_with("05/softmax_vs_sigmoid", boost=boost)
        s = BASE + np.array([boost, 0.0, 0.0, 0.0])
        assert_allclose(result["softmax"], np.exp(s) / np.exp(s).sum(), rtol=1e-12,
                        err_msg="softmax")
        assert_allclose(result["sigmoid"], 1 / (1 + np.exp(-s)), rtol=1e-12, err_msg="sigmoid")
        assert abs(result["softmax_sum"] - 1) < 1e-12
        assert result["others_sigmoid_change"] == [0.0, 0.0, 0.0]
        changes = np.array(result["others_softmax_change"])
        assert np.all(np.sign(changes) == -np.sign(boost)), f"softmax change, boost={boost}"
