"""Shared helpers for the pycore tests: finite-difference gradients and relative errors.

The gradient checks all follow one recipe (numpy-ml, micrograd): pick a random upstream
gradient G, define the scalar loss L(x) = sum(f(x) * G), and compare the hand-written
backward pass (which receives dout = G) with central differences of L in float64.
"""

from __future__ import annotations

import numpy as np
import pytest


def numerical_gradient(loss, x, h=1e-6):
    """Central-difference gradient of the scalar function ``loss`` at ``x`` (float64 array).

    ``x`` is perturbed in place one entry at a time and restored.

    Deliberately not ``pycore.numerical_gradient``: this is the reference the tests check
    pycore's gradients (and that helper) against, so it must not share code with them.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        old = x[idx]
        x[idx] = old + h
        plus = loss()
        x[idx] = old - h
        minus = loss()
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def central_differences(f, p, picks, h=1e-5):
    """(f(p + h e_i) - f(p - h e_i)) / 2h at the flat indices ``picks`` of ``p`` (in place)."""
    numeric = []
    for i in picks:
        old = p.flat[i]
        p.flat[i] = old + h
        plus = f()
        p.flat[i] = old - h
        minus = f()
        p.flat[i] = old
        numeric.append((plus - minus) / (2 * h))
    return np.array(numeric)


@pytest.fixture(name="central_differences")
def central_differences_fixture():
    """``central_differences(f, p, picks)``: a sampled finite-difference gradient."""
    return central_differences


def relative_error(analytic, numeric):
    """||a - n|| / (||a|| + ||n||), with 0 when both vanish."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    denom = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if denom == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / denom)


def assert_grad_close(analytic, numeric, name, tol=1e-6):
    """Fail with a message naming the tensor if the relative error is >= ``tol``."""
    assert np.shape(analytic) == np.shape(numeric), (
        f"{name}: analytic gradient shape {np.shape(analytic)} != numeric {np.shape(numeric)}"
    )
    err = relative_error(analytic, numeric)
    assert err < tol, f"{name}: relative error {err:.3e} between backward and finite differences"


@pytest.fixture
def rng():
    """A fixed-seed generator: each test gets the same numbers on every run."""
    return np.random.default_rng(1234)


@pytest.fixture
def gradcheck():
    """``gradcheck(loss, x, analytic, name)``: finite differences of ``loss`` w.r.t. ``x``."""

    def check(loss, x, analytic, name, tol=1e-6):
        numeric = numerical_gradient(loss, x)
        assert_grad_close(analytic, numeric, name, tol)

    return check
