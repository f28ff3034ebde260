"""demos/03/permutation.py: attention without positions is permutation-equivariant."""
import numpy as np


def test_equivariance_holds_without_positions_and_breaks_with_them(run_with):
    result = run_with("03/permutation")
    assert sorted(result["perm"]) == list(range(len(result["perm"])))
    assert result["perm"] != sorted(result["perm"]), "the permutation should move something"
    assert result["err_plain"] < 1e-12
    assert result["err_positions"] > 1e-2
    assert result["err_causal"] > 1e-2


def test_equivariance_from_the_equation():
    """Independent check: softmax(P X Y X^T P^T) P X S = P softmax(X Y X^T) X S."""
    rng = np.random.default_rng(11)
    T, d = 7, 5
    x = rng.standard_normal((T, d))
    Y, S = rng.standard_normal((2, d, d))

    def h(x):
        scores = x @ Y @ x.T
        w = np.exp(scores - scores.max(axis=1, keepdims=True))
        return (w / w.sum(axis=1, keepdims=True)) @ x @ S

    P = np.eye(T)[rng.permutation(T)]
    np.testing.assert_allclose(h(P @ x), P @ h(x), atol=1e-12, err_msg="h(Px) vs P h(x)")
